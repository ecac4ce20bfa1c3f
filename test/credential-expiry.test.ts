import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { createCustomer, type CreatedCustomer } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { signEndUserJwt, TEST_AUDIENCE, TEST_ISSUER } from './kit/graphql.js';
import { subscribe } from './kit/subscriptions.js';

const SERVICE_KEY = 'svc_expiry_0123456789abcdef0123456789ab';
const REMOVED_KEY = 'svc_expiry_removed_0123456789abcdef0123';
const JWT_SECRET = 'credential-expiry-signing-secret-of-32-bytes+';
const authEnv = { GATEWAY_JWT_SECRET: JWT_SECRET, GATEWAY_JWT_ISSUER: TEST_ISSUER, GATEWAY_JWT_AUDIENCE: TEST_AUDIENCE };
const ENTITY_LINKED = 'subscription ($c: ID!) { entityLinked(customerId: $c) { id } }';

/** A token of `sub` whose `exp` is `seconds` from now (whole seconds, as JWTs count). */
async function tokenExpiringIn(sub: string, seconds: number): Promise<{ token: string; expiresAtMs: number }> {
  const exp = Math.floor(Date.now() / 1_000) + seconds;
  return { token: await signEndUserJwt(JWT_SECRET, { sub, expiresIn: exp }), expiresAtMs: exp * 1_000 };
}

describe('credentials that end', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let alice: CreatedCustomer;

  beforeAll(async () => {
    database = await createTestDatabase('credential_expiry');
    gateway = await startTestGateway({ ...database.env, ...authEnv, GATEWAY_API_KEYS: SERVICE_KEY });
    alice = await createCustomer(gateway, 'expiry-alice', { token: SERVICE_KEY });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('graphql-ws: the socket of an end user is closed with 4403 at their JWT `exp`', async () => {
    const { token, expiresAtMs } = await tokenExpiringIn('expiry-alice', 3);
    const closed = new Promise<{ code: number; at: number }>((resolve) => {
      const client: Client = createClient({
        url: `${gateway.url.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        // The close is the expected outcome, observed below, not an error to print.
        onNonLazyError: () => undefined,
        connectionParams: { authorization: `Bearer ${token}` },
        on: { closed: (event) => resolve({ code: (event as { code: number }).code, at: Date.now() }) },
      });
      client.subscribe({ query: ENTITY_LINKED, variables: { c: alice.id } }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    });
    const { code, at } = await closed;
    expect(code).toBe(4403);
    // Not before `exp`, and soon after it.
    expect(at).toBeGreaterThanOrEqual(expiresAtMs - 20);
    expect(at).toBeLessThan(expiresAtMs + 1_000);
  });

  it('graphql-ws: a subscription of a service (API key) is not closed', async () => {
    const subscription = subscribe(gateway.url, ENTITY_LINKED, { token: SERVICE_KEY, variables: { c: alice.id } });
    try {
      await subscription.ready;
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(subscription.errors).toEqual([]);
    } finally {
      await subscription.close();
    }
  });

  it('SSE: the stream of an end user completes at their JWT `exp`', async () => {
    const { token, expiresAtMs } = await tokenExpiringIn('expiry-alice', 3);
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: ENTITY_LINKED, variables: { c: alice.id } }),
    });
    expect(response.status).toBe(200);
    const reader = response.body?.getReader();
    let text = '';
    for (;;) {
      const chunk = await reader?.read();
      if (chunk === undefined || chunk.done) break;
      text += Buffer.from(chunk.value).toString('utf8');
    }
    const endedAt = Date.now();
    expect(text).toContain('event: complete');
    expect(text).not.toContain('"errors"');
    expect(endedAt).toBeGreaterThanOrEqual(expiresAtMs - 20);
    expect(endedAt).toBeLessThan(expiresAtMs + 1_000);
  });

  it('SSE: a subscribe with a token already expired is refused as UNAUTHENTICATED', async () => {
    // Past the verifier's 30 s of clock tolerance.
    const token = await signEndUserJwt(JWT_SECRET, { sub: 'expiry-alice', expiresIn: Math.floor(Date.now() / 1_000) - 60 });
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: ENTITY_LINKED, variables: { c: alice.id } }),
    });
    const text = await response.text();
    expect(text).toContain('UNAUTHENTICATED');
    expect(text).toContain('the token has expired');
  });
});

describe('an API key removed at a restart', () => {
  let database: TestDatabase;
  let gateway: TestGateway | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('credential_removed_key');
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('is refused at the next subscribe; the key that stays still subscribes', async () => {
    gateway = await startTestGateway({ ...database.env, GATEWAY_API_KEYS: `${SERVICE_KEY},${REMOVED_KEY}` });
    const customer = await createCustomer(gateway, 'removed-key-user', { token: SERVICE_KEY });
    const before = subscribe(gateway.url, ENTITY_LINKED, { token: REMOVED_KEY, variables: { c: customer.id } });
    await before.ready;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(before.errors).toEqual([]);
    await before.close();
    await gateway.stop();

    gateway = await startTestGateway({ ...database.env, GATEWAY_API_KEYS: SERVICE_KEY });
    const refused = subscribe(gateway.url, ENTITY_LINKED, { token: REMOVED_KEY, variables: { c: customer.id } });
    const kept = subscribe(gateway.url, ENTITY_LINKED, { token: SERVICE_KEY, variables: { c: customer.id } });
    try {
      await expect.poll(() => refused.errors.length).toBeGreaterThan(0);
      expect(JSON.stringify(refused.errors)).toContain('UNAUTHENTICATED');
      await kept.ready;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(kept.errors).toEqual([]);
    } finally {
      await refused.close();
      await kept.close();
    }
  });
});
