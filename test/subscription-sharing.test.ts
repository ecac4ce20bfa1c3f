import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { createCustomer, linkBank, type CreatedCustomer } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { signEndUserJwt, TEST_AUDIENCE, TEST_ISSUER } from './kit/graphql.js';
import { subscribe, type Subscription } from './kit/subscriptions.js';

const SERVICE_KEY = 'svc_sharing_0123456789abcdef0123456789';
const JWT_SECRET = 'end-user-signing-secret-of-at-least-32-bytes';
const WITH_IDENTITY = 'subscription ($c: ID!) { entityLinked(customerId: $c) { leanEntityId identity { __typename } } }';
const BARE = 'subscription ($c: ID!) { entityLinked(customerId: $c) { leanEntityId } }';

type Linked = { entityLinked: { leanEntityId: string; identity?: { __typename: string } | null } };

// Subscribers of one event share its execution when their operation and principal are the same: each
// must still get the answer its own principal and its own document call for.
describe('one event, many subscribers: each gets what its principal and document ask for', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let alice: CreatedCustomer;

  beforeAll(async () => {
    database = await createTestDatabase('subscription_sharing');
    gateway = await startTestGateway({
      ...database.env,
      GATEWAY_API_KEYS: SERVICE_KEY,
      GATEWAY_JWT_SECRET: JWT_SECRET,
      GATEWAY_JWT_ISSUER: TEST_ISSUER,
      GATEWAY_JWT_AUDIENCE: TEST_AUDIENCE,
    });
    alice = await createCustomer(gateway, 'alice', { token: SERVICE_KEY });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('services, end users without and with identity:read, and another document, side by side', async () => {
    const plain = await signEndUserJwt(JWT_SECRET, { sub: 'alice' });
    const identityReader = await signEndUserJwt(JWT_SECRET, { sub: 'alice', scope: 'identity:read' });
    const variables = { c: alice.id };
    const open = (query: string, token: string) => subscribe<Linked>(gateway.url, query, { variables, token });
    const services = [open(WITH_IDENTITY, SERVICE_KEY), open(WITH_IDENTITY, SERVICE_KEY)];
    const endUsers = [open(WITH_IDENTITY, plain), open(WITH_IDENTITY, plain)];
    const reader = open(WITH_IDENTITY, identityReader);
    const bare = open(BARE, SERVICE_KEY);
    const all: Subscription<Linked>[] = [...services, ...endUsers, reader, bare];
    try {
      await Promise.all(all.map((subscription) => subscription.ready));
      await new Promise((resolve) => setTimeout(resolve, 300));

      const entity = await linkBank(gateway, alice.leanCustomerId, 'LEANMB1');
      const received = await Promise.all(all.map((subscription) => subscription.next()));
      for (const value of received) expect(value.entityLinked.leanEntityId).toBe(entity.id);

      for (const subscription of [...services, reader]) {
        expect(subscription.received).toEqual([{ entityLinked: { leanEntityId: entity.id, identity: { __typename: 'Identity' } } }]);
        expect(subscription.errors).toEqual([]);
      }
      // Personal data stays refused to the end user without the scope, and only to them.
      for (const subscription of endUsers) {
        expect(subscription.received).toEqual([{ entityLinked: { leanEntityId: entity.id, identity: null } }]);
        expect(subscription.errors.map((error) => (error as { extensions?: { code?: string } }).extensions?.code)).toEqual(['FORBIDDEN']);
      }
      expect(bare.received).toEqual([{ entityLinked: { leanEntityId: entity.id } }]);
      expect(bare.errors).toEqual([]);

      // A second event reaches every subscriber again, each answered afresh.
      const second = await linkBank(gateway, alice.leanCustomerId, 'LEANMB2');
      const again = await Promise.all(all.map((subscription) => subscription.next()));
      for (const value of again) expect(value.entityLinked.leanEntityId).toBe(second.id);
      expect(endUsers[0]?.errors).toHaveLength(2);
      expect(reader.received[1]?.entityLinked.identity).toEqual({ __typename: 'Identity' });
    } finally {
      await Promise.all(all.map((subscription) => subscription.close()));
    }
  });
});
