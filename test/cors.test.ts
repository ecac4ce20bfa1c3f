import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConfigError, loadConfig } from '../src/config.js';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { productionLeanEnv, startTestGateway, type TestGateway } from './kit/gateway.js';

const API_KEY = 'svc_cors_0123456789abcdef0123456789abcd';

function preflight(url: string, origin: string, path = '/graphql'): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
  });
}

function query(url: string, origin: string): Promise<Response> {
  return fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
}

/** The status the server answered the upgrade with: 101 when the WebSocket opened. */
function upgradeStatus(url: string, origin: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', origin === undefined ? {} : { origin });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', (error) => reject(error));
  });
}

function expectAllowed(response: Response, origin: string): void {
  expect(response.headers.get('access-control-allow-origin')).toBe(origin);
  expect(response.headers.get('access-control-allow-credentials')).toBe('true');
  expect(response.headers.get('vary')).toMatch(/\bOrigin\b/i);
}

describe('CORS in production with GATEWAY_CORS_ORIGINS=https://app.example', () => {
  let database: TestDatabase;
  let lean: Awaited<ReturnType<typeof productionLeanEnv>>;
  let gateway: TestGateway;
  beforeAll(async () => {
    database = await createTestDatabase('cors_production');
    lean = await productionLeanEnv();
    gateway = await startTestGateway({
      ...database.env,
      ...lean.env,
      NODE_ENV: 'production',
      GATEWAY_API_KEYS: API_KEY,
      GATEWAY_CORS_ORIGINS: 'https://app.example',
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
    await lean?.remove();
  });

  it('answers a preflight from the listed origin with 204, its origin, the methods and the headers', async () => {
    const response = await preflight(gateway.url, 'https://app.example');
    expect(response.status).toBe(204);
    expectAllowed(response, 'https://app.example');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type, authorization, x-request-id');
  });

  it('gives a preflight from another origin no allow-origin header', async () => {
    const response = await preflight(gateway.url, 'https://evil.example');
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('marks answers to the listed origin readable, with the headers a page needs exposed, and never `*`', async () => {
    const response = await query(gateway.url, 'https://app.example');
    expect(response.status).toBe(200);
    expectAllowed(response, 'https://app.example');
    expect(response.headers.get('access-control-expose-headers')).toBe('x-request-id, www-authenticate, retry-after');
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('answers another origin (a server may still call) without any CORS header, so a browser keeps the answer from the page', async () => {
    const response = await query(gateway.url, 'https://evil.example');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-expose-headers')).toBeNull();
    expect(response.headers.get('vary')).toMatch(/\bOrigin\b/i);
  });

  it('applies the same policy to /healthz', async () => {
    expectAllowed(await fetch(`${gateway.url}/healthz`, { headers: { origin: 'https://app.example' } }), 'https://app.example');
    const other = await fetch(`${gateway.url}/healthz`, { headers: { origin: 'https://evil.example' } });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(gateway.url, 'https://app.example', '/healthz')).status).toBe(204);
  });

  it('refuses a WebSocket from another origin with 403, and opens one from the listed origin or without Origin', async () => {
    expect(await upgradeStatus(gateway.url, 'https://evil.example')).toBe(403);
    expect(await upgradeStatus(gateway.url, 'https://app.example')).toBe(101);
    expect(await upgradeStatus(gateway.url, undefined)).toBe(101);
  });

  it('does not allow localhost in production', async () => {
    const response = await preflight(gateway.url, 'http://localhost:5173');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(await upgradeStatus(gateway.url, 'http://localhost:5173')).toBe(403);
  });
});

describe('CORS by default in development', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  beforeAll(async () => {
    database = await createTestDatabase('cors_development');
    gateway = await startTestGateway({ ...database.env, NODE_ENV: 'development', GATEWAY_API_KEYS: API_KEY });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('allows http://localhost:<port>, http://127.0.0.1:<port> and its own origin', async () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:8080', gateway.url]) {
      const response = await preflight(gateway.url, origin);
      expect(response.status).toBe(204);
      expectAllowed(response, origin);
      expect(await upgradeStatus(gateway.url, origin)).toBe(101);
    }
  });

  it('refuses https://evil.example, and look-alikes of localhost', async () => {
    for (const origin of ['https://evil.example', 'http://localhost.evil.example', 'https://localhost:5173', 'null']) {
      const response = await preflight(gateway.url, origin);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(await upgradeStatus(gateway.url, origin)).toBe(403);
    }
  });
});

describe('GATEWAY_CORS_ORIGINS', () => {
  it('refuses at start-up anything but exact origins', () => {
    for (const value of ['https://app.example/', 'https://app.example/path', 'app.example', 'ftp://app.example', '*']) {
      expect(() => loadConfig({ GATEWAY_CORS_ORIGINS: value })).toThrow(ConfigError);
    }
    expect(loadConfig({ GATEWAY_CORS_ORIGINS: 'https://app.example, http://localhost:3000' }).cors).toEqual({
      origins: ['https://app.example', 'http://localhost:3000'],
      loopback: false,
    });
    expect(loadConfig({ NODE_ENV: 'development' }).cors).toEqual({ origins: [], loopback: true });
  });
});
