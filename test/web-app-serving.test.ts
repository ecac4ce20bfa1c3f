import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webAppRoute } from '../src/http/web-app.js';
import { createTestDatabase } from './kit/database.js';
import { productionLeanEnv, startTestGateway } from './kit/gateway.js';

const INDEX = '<!doctype html><title>Lean web app</title><div id="root"></div>';
const ASSET = 'console.log("app");';

/** A server with only the web app route, over a bundle written for the test. */
async function serve(distDir: string): Promise<{ url: string; server: Server }> {
  const route = webAppRoute(distDir);
  const server = createServer((req, res) => {
    void route(req, res).then((served) => {
      if (!served) res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A raw GET, so that `..` reaches the server as sent (fetch would normalise it away). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = request({ host: target.hostname, port: target.port, path, headers: { accept: 'text/html' } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the web app served by the gateway', () => {
  let root: string;
  let app: { url: string; server: Server };
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'web-app-'));
    await mkdir(join(root, 'dist', 'assets'), { recursive: true });
    await writeFile(join(root, 'dist', 'index.html'), INDEX);
    await writeFile(join(root, 'dist', 'assets', 'index-abc123.js'), ASSET);
    await writeFile(join(root, 'secret.txt'), 'outside the bundle');
    app = await serve(join(root, 'dist'));
  });
  afterAll(async () => {
    await new Promise((resolve) => app.server.close(resolve));
    await rm(root, { recursive: true, force: true });
  });

  it('serves index.html at / and for a page the browser loads under it', async () => {
    const home = await fetch(`${app.url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(home.headers.get('cache-control')).toBe('no-cache');
    expect(await home.text()).toBe(INDEX);
    const page = await fetch(`${app.url}/dashboard/accounts`, { headers: { accept: 'text/html' } });
    expect(await page.text()).toBe(INDEX);
  });

  it('serves a hashed asset with its content type and a long cache', async () => {
    const asset = await fetch(`${app.url}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe(ASSET);
    expect((await fetch(`${app.url}/assets/missing-000.js`)).status).toBe(404);
  });

  it('refuses paths that climb out of the bundle, encoded or not', async () => {
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/%00']) {
      const answer = await rawGet(app.url, path);
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(answer.body, path).not.toContain('outside the bundle');
    }
  });

  it('leaves API paths and non-page requests to the gateway', async () => {
    expect((await fetch(`${app.url}/graphql`, { headers: { accept: 'text/html' } })).status).toBe(404);
    expect((await fetch(`${app.url}/nowhere`, { headers: { accept: 'application/json' } })).status).toBe(404);
    expect((await fetch(`${app.url}/`, { method: 'POST' })).status).toBe(404);
  });

  it('says to build the app when web/dist is missing', async () => {
    const unbuilt = await serve(join(root, 'no-dist'));
    try {
      const home = await fetch(`${unbuilt.url}/`);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('npm run web:build');
    } finally {
      await new Promise((resolve) => unbuilt.server.close(resolve));
    }
  });

  it('is off in production unless GATEWAY_WEB_APP=true', async () => {
    const database = await createTestDatabase('web_app');
    const lean = await productionLeanEnv();
    const env = { ...database.env, ...lean.env, NODE_ENV: 'production', GATEWAY_API_KEYS: 'svc_prod_0123456789abcdef0123456789abcd' };
    const production = await startTestGateway(env);
    const served = await startTestGateway({ ...env, GATEWAY_WEB_APP: 'true' });
    try {
      const hidden = await fetch(`${production.url}/`, { headers: { accept: 'text/html' } });
      expect(hidden.status).toBe(404);
      const shown = await fetch(`${served.url}/`, { headers: { accept: 'text/html' } });
      expect(shown.status).toBe(200);
      expect(shown.headers.get('content-type')).toMatch(/^text\/(html|plain)/);
    } finally {
      await production.stop();
      await served.stop();
      await database.drop();
      await lean.remove();
    }
  });
});
