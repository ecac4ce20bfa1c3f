import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { errorCodes, postGraphQL, signEndUserJwt, TEST_AUDIENCE, TEST_ISSUER, unsignedJwt } from './kit/graphql.js';

const SERVICE_KEY = 'svc_0123456789abcdef0123456789abcdef';
const OTHER_SERVICE_KEY = 'svc_fedcba9876543210fedcba9876543210';
const JWT_SECRET = 'end-user-signing-secret-of-at-least-32-bytes';
const VIEWER = '{ viewer { kind appUserId } }';
const INTROSPECTION = '{ __schema { queryType { name } } }';

let database: TestDatabase;
let gateway: TestGateway;

beforeAll(async () => {
  database = await createTestDatabase('auth');
  gateway = await startTestGateway({
    ...database.env,
    GATEWAY_API_KEYS: `${SERVICE_KEY},${OTHER_SERVICE_KEY}`,
    GATEWAY_JWT_SECRET: JWT_SECRET,
    GATEWAY_JWT_ISSUER: TEST_ISSUER,
    GATEWAY_JWT_AUDIENCE: TEST_AUDIENCE,
  });
});
afterAll(async () => {
  await gateway?.stop();
  await database?.drop();
});

describe('who is asking', () => {
  it('a service with one of the API keys sees itself as SERVICE', async () => {
    for (const token of [SERVICE_KEY, OTHER_SERVICE_KEY]) {
      const response = await postGraphQL(gateway.url, VIEWER, { token });
      expect(response.status).toBe(200);
      expect(response.body.data).toEqual({ viewer: { kind: 'SERVICE', appUserId: null } });
    }
  });

  it('an end user with a valid JWT sees their own app_user_id', async () => {
    const token = await signEndUserJwt(JWT_SECRET, { sub: 'user-42' });
    const response = await postGraphQL(gateway.url, VIEWER, { token });
    expect(response.body.data).toEqual({ viewer: { kind: 'END_USER', appUserId: 'user-42' } });
  });

  it('without credentials an operation gets a typed UNAUTHENTICATED error and nothing runs', async () => {
    const response = await postGraphQL(gateway.url, VIEWER);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.body.data ?? null).toBeNull();
  });

  it('without credentials __typename and introspection stay open', async () => {
    const typename = await postGraphQL(gateway.url, '{ __typename }');
    expect(typename.body).toEqual({ data: { __typename: 'Query' } });
    const schema = await postGraphQL(gateway.url, INTROSPECTION);
    expect(schema.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('an open field does not smuggle a protected one through a fragment', async () => {
    const response = await postGraphQL(gateway.url, '{ __typename ...F } fragment F on Query { viewer { kind } }');
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });

  const rejected: [string, () => Promise<string>, string][] = [
    ['a wrong API key', () => Promise.resolve('svc_not-a-key-we-know-0000000000000'), 'not valid'],
    ['an expired JWT', () => signEndUserJwt(JWT_SECRET, { sub: 'u', expiresIn: Math.floor(Date.now() / 1000) - 3600 }), 'expired'],
    ['a JWT from another issuer', () => signEndUserJwt(JWT_SECRET, { sub: 'u', iss: 'https://evil.example/' }), '`iss`'],
    ['a JWT for another audience', () => signEndUserJwt(JWT_SECRET, { sub: 'u', aud: 'someone-else' }), '`aud`'],
    ['a JWT not valid yet', () => signEndUserJwt(JWT_SECRET, { sub: 'u', notBefore: '1h' }), '`nbf`'],
    ['a JWT without a subject', () => signEndUserJwt(JWT_SECRET, {}), '`sub`'],
    ['a JWT signed with another key', () => signEndUserJwt('another-secret-that-is-also-32-bytes-long!', { sub: 'u' }), 'signature'],
    [
      'a JWT with alg none',
      () => Promise.resolve(unsignedJwt({ sub: 'u', iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600 })),
      'algorithm',
    ],
  ];
  it.each(rejected)('refuses %s with UNAUTHENTICATED (401), saying why', async (_case, token, reason) => {
    const response = await postGraphQL(gateway.url, VIEWER, { token: await token() });
    expect(response.status).toBe(401);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.body.errors?.[0]?.message).toContain(reason);
  });

  it('refuses invalid credentials even for introspection, so a broken token is noticed', async () => {
    const response = await postGraphQL(gateway.url, '{ __typename }', { token: 'svc_not-a-key-we-know-0000000000000' });
    expect(response.status).toBe(401);
  });

  it('refuses an Authorization header that is not a Bearer token', async () => {
    const response = await postGraphQL(gateway.url, VIEWER, { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } });
    expect(response.status).toBe(401);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('never writes API keys or tokens into its logs', async () => {
    const token = await signEndUserJwt(JWT_SECRET, { sub: 'user-logged' });
    await postGraphQL(gateway.url, VIEWER, { token });
    await postGraphQL(gateway.url, VIEWER, { token: SERVICE_KEY });
    const logs = gateway.logs.join('\n');
    expect(logs).toContain('/graphql'); // requests were logged …
    expect(logs).not.toContain(SERVICE_KEY); // … without their credentials
    expect(logs).not.toContain(token);
    expect(logs).not.toContain(JWT_SECRET);
  });

  it('puts a request id on every request log line and answers it in x-request-id', async () => {
    const response = await postGraphQL(gateway.url, VIEWER, { token: SERVICE_KEY, headers: { 'x-request-id': 'trace-abc-123' } });
    expect(response.headers.get('x-request-id')).toBe('trace-abc-123');
    const lines = gateway.logs.map((line) => JSON.parse(line) as { req?: { id?: string }; reqId?: string });
    expect(lines.some((line) => line.req?.id === 'trace-abc-123')).toBe(true);
  });
});

describe('with introspection off', () => {
  let closed: TestGateway;
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('auth_closed');
    closed = await startTestGateway({
      ...db.env,
      GATEWAY_API_KEYS: SERVICE_KEY,
      GATEWAY_JWT_SECRET: JWT_SECRET,
      GATEWAY_JWT_ISSUER: TEST_ISSUER,
      GATEWAY_JWT_AUDIENCE: TEST_AUDIENCE,
      GATEWAY_INTROSPECTION: 'false',
    });
  });
  afterAll(async () => {
    await closed?.stop();
    await db?.drop();
  });

  it('anonymous callers get UNAUTHENTICATED even for __typename and introspection', async () => {
    expect((await postGraphQL(closed.url, '{ __typename }')).status).toBe(401);
    expect(errorCodes(await postGraphQL(closed.url, INTROSPECTION))).toEqual(['UNAUTHENTICATED']);
  });

  it('end users may not introspect; services may', async () => {
    const endUser = await postGraphQL(closed.url, INTROSPECTION, { token: await signEndUserJwt(JWT_SECRET, { sub: 'u' }) });
    expect(endUser.status).toBe(403);
    expect(errorCodes(endUser)).toEqual(['INTROSPECTION_DISABLED']);
    const service = await postGraphQL(closed.url, INTROSPECTION, { token: SERVICE_KEY });
    expect(service.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});

describe('end-user JWTs verified against a JWKS URL', () => {
  let jwks: Server;
  let withJwks: TestGateway;
  let db: TestDatabase;
  let sign: (sub: string, key?: CryptoKey) => Promise<string>;
  let strangerKey: CryptoKey;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    strangerKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    sign = (sub, key = privateKey) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject(sub)
        .setIssuer(TEST_ISSUER)
        .setAudience(TEST_AUDIENCE)
        .setExpirationTime('5m')
        .sign(key);
    db = await createTestDatabase('auth_jwks');
    withJwks = await startTestGateway({
      ...db.env,
      GATEWAY_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
      GATEWAY_JWT_ISSUER: TEST_ISSUER,
      GATEWAY_JWT_AUDIENCE: TEST_AUDIENCE,
    });
  });
  afterAll(async () => {
    await withJwks?.stop();
    await db?.drop();
    jwks?.close();
  });

  it('accepts a token signed by a key in the set', async () => {
    const response = await postGraphQL(withJwks.url, VIEWER, { token: await sign('jwks-user') });
    expect(response.body.data).toEqual({ viewer: { kind: 'END_USER', appUserId: 'jwks-user' } });
  });

  it('refuses a token signed by a key outside the set', async () => {
    const response = await postGraphQL(withJwks.url, VIEWER, { token: await sign('jwks-user', strangerKey) });
    expect(response.status).toBe(401);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('development without auth settings', () => {
  it('treats a caller without credentials as the local development service', async () => {
    const db = await createTestDatabase('auth_dev');
    const dev = await startTestGateway({ ...db.env, NODE_ENV: 'development' });
    try {
      const response = await postGraphQL(dev.url, VIEWER);
      expect(response.body.data).toEqual({ viewer: { kind: 'SERVICE', appUserId: null } });
      expect(dev.logs.join('\n')).toContain('treated as a local development service');
    } finally {
      await dev.stop();
      await db.drop();
    }
  });
});
