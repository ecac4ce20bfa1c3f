import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { createCustomer, dataAt, globalId, leanCalls, linkBank, resetLeanCalls, type CreatedCustomer, type LinkedEntity } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { postGraphQL, signEndUserJwt, TEST_AUDIENCE, TEST_ISSUER } from './kit/graphql.js';

const SERVICE_KEY = 'svc_access_0123456789abcdef0123456789';
const JWT_SECRET = 'end-user-signing-secret-of-at-least-32-bytes';

describe('an end user sees only their own customer', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let alice: CreatedCustomer;
  let bob: CreatedCustomer;
  let aliceEntity: LinkedEntity;
  let bobEntity: LinkedEntity;
  let aliceToken: string;

  beforeAll(async () => {
    database = await createTestDatabase('end_user_access');
    gateway = await startTestGateway({
      ...database.env,
      GATEWAY_API_KEYS: SERVICE_KEY,
      GATEWAY_JWT_SECRET: JWT_SECRET,
      GATEWAY_JWT_ISSUER: TEST_ISSUER,
      GATEWAY_JWT_AUDIENCE: TEST_AUDIENCE,
    });
    alice = await createCustomer(gateway, 'alice', { token: SERVICE_KEY });
    bob = await createCustomer(gateway, 'bob', { token: SERVICE_KEY });
    aliceEntity = await linkBank(gateway, alice.leanCustomerId, 'LEANMB1');
    bobEntity = await linkBank(gateway, bob.leanCustomerId, 'LEANMB2');
    // The service reads both, so every id below is in the gateway's store.
    for (const customer of [alice, bob]) {
      const answer = await postGraphQL(gateway.url, `query ($id: ID!) { customer(id: $id) { entities { accounts { __typename ... on AccountList { accounts { id } } } } } }`, {
        token: SERVICE_KEY,
        variables: { id: customer.id },
      });
      expect(answer.body.errors).toBeUndefined();
    }
    aliceToken = await signEndUserJwt(JWT_SECRET, { sub: 'alice' });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  const asAlice = (query: string, variables: Record<string, unknown> = {}) => postGraphQL(gateway.url, query, { token: aliceToken, variables });

  it('reads her own customer by id, by app_user_id and through viewer', async () => {
    const byId = await asAlice('query ($id: ID!) { customer(id: $id) { appUserId entities { id } } }', { id: alice.id });
    expect(byId.body).toEqual({ data: { customer: { appUserId: 'alice', entities: [{ id: globalId('Entity', aliceEntity.id) }] } } });
    expect((await asAlice('{ customerByAppUserId(appUserId: "alice") { id } }')).body).toEqual({ data: { customerByAppUserId: { id: alice.id } } });
    expect((await asAlice('{ viewer { customer { id } } }')).body).toEqual({ data: { viewer: { customer: { id: alice.id } } } });
  });

  it("another customer's ids answer exactly like ids that do not exist", async () => {
    const unknownUuid = '00000000-0000-4000-8000-000000000000';
    const pairs: [string, Record<string, unknown>, Record<string, unknown>][] = [
      ['query ($id: ID!) { customer(id: $id) { id } }', { id: bob.id }, { id: globalId('Customer', unknownUuid) }],
      ['query ($id: ID!) { node(id: $id) { id } }', { id: bob.id }, { id: globalId('Customer', unknownUuid) }],
      ['query ($id: ID!) { node(id: $id) { id } }', { id: globalId('Entity', bobEntity.id) }, { id: globalId('Entity', unknownUuid) }],
      ['query ($id: ID!) { node(id: $id) { id } }', { id: globalId('Account', bobEntity.accountIds[0] ?? '') }, { id: globalId('Account', unknownUuid) }],
      ['query ($a: String!) { customerByAppUserId(appUserId: $a) { id } }', { a: 'bob' }, { a: 'nobody-at-all' }],
      ['mutation ($e: ID!) { refreshEntity(entityId: $e) { id } }', { e: globalId('Entity', bobEntity.id) }, { e: globalId('Entity', unknownUuid) }],
      ['mutation ($e: ID!) { requestDataRefresh(entityId: $e) { __typename } }', { e: globalId('Entity', bobEntity.id) }, { e: globalId('Entity', unknownUuid) }],
      ['mutation ($e: ID!) { disconnectEntity(entityId: $e) { id } }', { e: globalId('Entity', bobEntity.id) }, { e: globalId('Entity', unknownUuid) }],
      ['mutation ($a: ID!) { refreshAccount(accountId: $a) { id } }', { a: globalId('Account', bobEntity.accountIds[0] ?? '') }, { a: globalId('Account', unknownUuid) }],
      [
        'mutation ($c: ID!) { prepareLink(customerId: $c, permissions: [ACCOUNTS]) { customerId } }',
        { c: bob.id },
        { c: globalId('Customer', unknownUuid) },
      ],
    ];
    await resetLeanCalls(gateway);
    for (const [query, others, missing] of pairs) {
      const theirs = await asAlice(query, others);
      const nobodys = await asAlice(query, missing);
      expect(theirs.status).toBe(nobodys.status);
      expect(theirs.body).toEqual(nobodys.body);
      const firstValue = Object.values(theirs.body.data ?? {})[0];
      expect(firstValue ?? null).toBeNull();
    }
    // Nothing was fetched or changed for Bob on Alice's behalf.
    expect((await leanCalls(gateway)).total).toBe(0);
    const bobStill = await postGraphQL(gateway.url, 'query ($id: ID!) { customer(id: $id) { entities { status } } }', { token: SERVICE_KEY, variables: { id: bob.id } });
    expect(dataAt(bobStill, 'customer.entities.0.status')).toBe('ACTIVE');
  });

  it('may create only her own customer', async () => {
    const other = await asAlice('mutation { createCustomer(appUserId: "mallory") { id } }');
    expect(other.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await asAlice('mutation { createCustomer(appUserId: "alice") { id } }')).body).toEqual({ data: { createCustomer: { id: alice.id } } });
  });

  it('personal data (identity, IBANs) needs the scope identity:read; without it those fields are FORBIDDEN and the rest stands', async () => {
    const PERSONAL = `query ($id: ID!) { customer(id: $id) { appUserId entities { bank { identifier } identity { __typename ... on Identity { fullName } } accounts { ... on AccountList { accounts { name iban } } } } } }`;
    const without = await asAlice(PERSONAL, { id: alice.id });
    expect(dataAt(without, 'customer.appUserId')).toBe('alice');
    expect(dataAt(without, 'customer.entities.0.bank.identifier')).toBe('LEANMB1');
    expect(dataAt(without, 'customer.entities.0.identity')).toBeNull();
    const accounts = dataAt(without, 'customer.entities.0.accounts.accounts') as { name: string; iban: string | null }[];
    expect(accounts.length).toBeGreaterThan(0);
    for (const account of accounts) {
      expect(account.name).toEqual(expect.any(String));
      expect(account.iban).toBeNull();
    }
    const errors = without.body.errors ?? [];
    expect(errors.length).toBe(1 + accounts.length);
    expect(new Set(errors.map((error) => error.extensions?.code))).toEqual(new Set(['FORBIDDEN']));
    expect(errors.map((error) => error.message).join(' ')).not.toMatch(/AE\d{2}/);

    const scoped = await postGraphQL(gateway.url, PERSONAL, { token: await signEndUserJwt(JWT_SECRET, { sub: 'alice', scope: 'accounts:read identity:read' }), variables: { id: alice.id } });
    expect(scoped.body.errors).toBeUndefined();
    expect(dataAt(scoped, 'customer.entities.0.identity.__typename')).toBe('Identity');
    expect(dataAt(scoped, 'customer.entities.0.accounts.accounts.0.iban')).toMatch(/^AE\d{21}$/);

    const service = await postGraphQL(gateway.url, PERSONAL, { token: SERVICE_KEY, variables: { id: alice.id } });
    expect(service.body.errors).toBeUndefined();
    expect(dataAt(service, 'customer.entities.0.accounts.accounts.0.iban')).toMatch(/^AE\d{21}$/);
  });

  it('a service sees every customer', async () => {
    const answer = await postGraphQL(gateway.url, 'query ($a: ID!, $b: ID!) { a: customer(id: $a) { appUserId } b: customer(id: $b) { appUserId } }', {
      token: SERVICE_KEY,
      variables: { a: alice.id, b: bob.id },
    });
    expect(answer.body).toEqual({ data: { a: { appUserId: 'alice' }, b: { appUserId: 'bob' } } });
  });
});
