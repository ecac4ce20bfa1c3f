import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, usingPostgres, type TestDatabase } from './kit/database.js';
import { productionLeanEnv, startTestGateway, type TestGateway } from './kit/gateway.js';
import { startTcpProxy, type TcpProxy } from './kit/tcp-proxy.js';

describe('health and readiness', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  beforeAll(async () => {
    database = await createTestDatabase('health');
    gateway = await startTestGateway(database.env);
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('/healthz answers 200 while the process runs', async () => {
    const response = await fetch(`${gateway.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 when the database answers', async () => {
    const response = await fetch(`${gateway.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', database: database.kind });
  });

  it('answers 404 for an unknown path and 405 for a wrong method, as JSON', async () => {
    const missing = await fetch(`${gateway.url}/nowhere`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not found' });
    expect((await fetch(`${gateway.url}/readyz`, { method: 'POST' })).status).toBe(405);
  });
});

describe('GraphiQL', () => {
  const openGraphiQL = (url: string) => fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });

  it('is served outside production, its assets from the gateway, and hidden in production', async () => {
    let productionAsset: string | undefined;
    const database = await createTestDatabase('graphiql');
    const development = await startTestGateway({ ...database.env, NODE_ENV: 'development' });
    try {
      const page = await openGraphiQL(development.url);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('GraphiQL');
      expect(html).not.toMatch(/unpkg|https?:\/\//); // every asset is the gateway's own
      const script = /src="(\/graphiql\/[^"]+\.umd\.js)"/.exec(html)?.[1] ?? '';
      const asset = await fetch(`${development.url}${script}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(asset.headers.get('cache-control')).toContain('immutable');
      const css = await fetch(`${development.url}${script.replace('yoga-graphiql.umd.js', 'graphiql.css')}`);
      expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
      const base = script.replace('yoga-graphiql.umd.js', '');
      for (const path of [`${base}../../package.json`, `${base}%2e%2e/%2e%2e/package.json`, `${base}yoga-graphiql.es.js`, '/graphiql/']) {
        expect((await fetch(`${development.url}${path}`)).status, path).toBe(404);
      }
      productionAsset = script;
    } finally {
      await development.stop();
    }
    const lean = await productionLeanEnv();
    const production = await startTestGateway({ ...database.env, ...lean.env, NODE_ENV: 'production', GATEWAY_API_KEYS: 'svc_prod_0123456789abcdef0123456789abcd' });
    try {
      const page = await openGraphiQL(production.url);
      expect(await page.text()).not.toContain('GraphiQL');
      expect((await fetch(`${production.url}${productionAsset ?? "/graphiql/"}`)).status).toBe(404);
    } finally {
      await production.stop();
      await database.drop();
      await lean.remove();
    }
  });
});

describe.runIf(usingPostgres)('readiness while the Postgres server is unreachable', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let gateway: TestGateway;
  beforeAll(async () => {
    database = await createTestDatabase('readiness');
    const url = new URL(database.env['DATABASE_URL'] ?? '');
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    gateway = await startTestGateway({ DATABASE_URL: url.toString(), DATABASE_CONNECT_TIMEOUT_MS: '1000' });
  });
  afterAll(async () => {
    await gateway?.stop();
    await proxy?.close();
    await database?.drop();
  });

  it('/readyz answers 503 with a reason while the database is unreachable, and 200 again after, without a restart', async () => {
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);

    proxy.cut();
    const down = await fetch(`${gateway.url}/readyz`);
    expect(down.status).toBe(503);
    const body = (await down.json()) as { status: string; reason: string };
    expect(body.status).toBe('unavailable');
    expect(body.reason).toMatch(/^database: /);
    expect(body.reason).not.toContain('postgres://'); // no connection string in the answer
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200); // the process itself is fine

    proxy.restore();
    const up = await fetch(`${gateway.url}/readyz`);
    expect(up.status).toBe(200);
  });
});
