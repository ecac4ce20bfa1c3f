import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { createCustomer, dataAt } from './kit/flows.js';
import { productionLeanEnv, startTestGateway, type TestGateway } from './kit/gateway.js';
import { postGraphQL, TEST_AUDIENCE, TEST_ISSUER } from './kit/graphql.js';
import { LEAN_TEST_VERSION } from './kit/lean-version.js';

const signIn = (gateway: TestGateway, body: string, contentType = 'application/json') =>
  fetch(`${gateway.url}/dev/sign-in`, { method: 'POST', headers: { 'content-type': contentType }, body });

describe('development sign-in (outside production, without JWT settings)', () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase('dev_sign_in');
    gateway = await startTestGateway({ ...database.env });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('issues an end-user token that the gateway accepts: viewer is that END_USER, and myCustomer-style access works', async () => {
    const before = Date.now();
    const response = await signIn(gateway, JSON.stringify({ appUserId: 'dev-user-1' }));
    expect(response.status).toBe(200);
    const { token, expiresAt } = (await response.json()) as { token: string; expiresAt: string };
    const lifetime = Date.parse(expiresAt) - before;
    expect(lifetime).toBeGreaterThan(59 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(61 * 60_000);
    const claims = decodeJwt(token);
    expect(claims.sub).toBe('dev-user-1');
    expect(claims.exp).toBe(Math.floor(Date.parse(expiresAt) / 1000));

    const viewer = await postGraphQL(gateway.url, '{ viewer { kind appUserId customer { id } } }', { token });
    expect(viewer.body).toEqual({ data: { viewer: { kind: 'END_USER', appUserId: 'dev-user-1', customer: null } } });

    const created = await createCustomer(gateway, 'dev-user-1');
    const mine = await postGraphQL(gateway.url, '{ viewer { customer { id appUserId } } }', { token });
    expect(dataAt(mine, 'viewer.customer')).toEqual({ id: created.id, appUserId: 'dev-user-1' });
    // Another user's customer reads as not found through the end-user path.
    const other = await createCustomer(gateway, 'dev-user-2');
    const theirs = await postGraphQL(gateway.url, 'query ($id: ID!) { customer(id: $id) { id } }', { token, variables: { id: other.id } });
    expect(dataAt(theirs, 'customer')).toBeNull();
  });

  it('a token signed with another secret is refused', async () => {
    const { token } = (await (await signIn(gateway, JSON.stringify({ appUserId: 'dev-user-1' }))).json()) as { token: string };
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    const answer = await postGraphQL(gateway.url, '{ viewer { kind } }', { token: forged });
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['no appUserId', '{}'],
    ['an empty appUserId', '{"appUserId":""}'],
    ['a number', '{"appUserId":42}'],
    ['too long', JSON.stringify({ appUserId: 'x'.repeat(201) })],
    ['a control character', JSON.stringify({ appUserId: 'dev\nuser' })],
    ['not JSON', 'appUserId=dev'],
    ['an array', '["dev-user"]'],
  ])('a body with %s answers 400 with a code', async (_name, body) => {
    const response = await signIn(gateway, body);
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: { code: string; message: string } };
    expect(['BAD_USER_INPUT', 'BAD_REQUEST']).toContain(answer.error.code);
  });

  it('GET /dev/config names the embedded emulator and the Lean version', async () => {
    const response = await fetch(`${gateway.url}/dev/config`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sandboxUrl: gateway.sandbox?.url, leanApiVersion: LEAN_TEST_VERSION });
    expect(gateway.sandbox?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('never logs the token or the signing secret', async () => {
    const { token } = (await (await signIn(gateway, JSON.stringify({ appUserId: 'dev-user-3' }))).json()) as { token: string };
    await postGraphQL(gateway.url, '{ viewer { kind } }', { token });
    const logs = gateway.logs.join('\n');
    const signature = token.split('.')[2] ?? '';
    expect(signature.length).toBeGreaterThan(20);
    expect(logs).not.toContain(signature);
    expect(logs).not.toMatch(/secret"\s*:\s*"/i);
  });
});

describe('development sign-in is absent', () => {
  let database: TestDatabase;
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('dev_sign_in_off');
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop();
    await database?.drop();
  });

  it('with JWT settings configured: 404, and the configured verifier alone decides', async () => {
    const gateway = await startTestGateway({
      ...database.env,
      GATEWAY_JWT_SECRET: 'dev-sign-in-off-secret-of-at-least-32-bytes',
      GATEWAY_JWT_ISSUER: TEST_ISSUER,
      GATEWAY_JWT_AUDIENCE: TEST_AUDIENCE,
    });
    gateways.push(gateway);
    expect((await signIn(gateway, JSON.stringify({ appUserId: 'dev-user-1' }))).status).toBe(404);
    expect((await fetch(`${gateway.url}/dev/config`)).status).toBe(404);
  });

  it('with API keys configured (a shared development or staging box): 404, no token for anyone without a key', async () => {
    const gateway = await startTestGateway({ ...database.env, GATEWAY_API_KEYS: 'svc_dev_sign_in_keys_0123456789abcdef' });
    gateways.push(gateway);
    expect((await signIn(gateway, JSON.stringify({ appUserId: 'dev-user-1' }))).status).toBe(404);
    expect((await fetch(`${gateway.url}/dev/config`)).status).toBe(404);
  });

  it('in production: 404', async () => {
    const lean = await productionLeanEnv();
    const gateway = await startTestGateway({ ...database.env, ...lean.env, NODE_ENV: 'production', GATEWAY_API_KEYS: 'svc_dev_sign_in_off_0123456789abcdef' }).finally(() => lean.remove());
    gateways.push(gateway);
    expect((await signIn(gateway, JSON.stringify({ appUserId: 'dev-user-1' }))).status).toBe(404);
    expect((await fetch(`${gateway.url}/dev/config`)).status).toBe(404);
  });
});
