import { print } from 'graphql';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerOverviewDocument } from './gql/graphql.js';
import { usingPostgres } from './kit/database.js';
import { createCustomer, type CreatedCustomer } from './kit/flows.js';
import type { TestGateway } from './kit/gateway.js';
import { postGraphQL, type GraphQLResponse } from './kit/graphql.js';
import { leanEndpoint } from './kit/lean-version.js';
import type { TestSandbox } from './kit/sandbox.js';
import { startTwoInstances, type TwoInstances } from './kit/two-instances.js';

const OVERVIEW = print(CustomerOverviewDocument);
const BALANCE = 'query ($id: ID!) { node(id: $id) { ... on Account { balance { __typename ... on Balance { amount stale } } } } }';
const BALANCE_CALLS = leanEndpoint('balance', 'v1');
const BANKS = ['LEANMB1', 'LEANMB2'];

/** The calls one cold overview makes: the entity list, one account list per entity, a balance and the transactions of each account. */
function oneOverview(entities: number, accounts: number): Record<string, number> {
  return {
    [leanEndpoint('entities', 'v1')]: 1,
    [leanEndpoint('accounts', 'v1')]: entities,
    [leanEndpoint('balance', 'v1')]: accounts,
    [leanEndpoint('transactions', 'v1')]: accounts,
  };
}

describe.skipIf(!usingPostgres)('concurrent cold reads on two instances of one Postgres (PGlite is one instance by construction)', () => {
  let instances: TwoInstances;
  let sandbox: TestSandbox;
  let first: TestGateway;
  let second: TestGateway;

  beforeAll(async () => {
    // One emulator for both instances, sending no webhooks: a linked bank stays unread until a query asks.
    // No retries: one failed Lean call is one request the emulator counts. A lease lasts 1 s + 5 s.
    instances = await startTwoInstances('shared_in_flight', { LEAN_MAX_RETRIES: '0', LEAN_TIMEOUT_MS: '1000' });
    ({ sandbox, first, second } = instances);
  });
  afterAll(async () => {
    await instances?.stop();
  });

  /** A customer created through the gateway who links two banks at Lean; nothing of them is read yet. */
  const linkedCustomer = async (appUserId: string): Promise<{ customer: CreatedCustomer; entities: number; accounts: number }> => {
    const customer = await createCustomer(first, appUserId);
    let accounts = 0;
    for (const bank of BANKS) {
      const connected = await sandbox.control<{ id: string }>('POST', '/sandbox/connect', {
        customer_id: customer.leanCustomerId,
        bank_identifier: bank,
        permissions: ['identity', 'accounts', 'balance', 'transactions'],
      });
      expect(connected.status).toBe(201);
      accounts += sandbox.sandbox.state.accountsOf(connected.body.id).length;
    }
    return { customer, entities: BANKS.length, accounts };
  };
  /** One account of a linked customer whose balance was read once, then expired: the next read asks Lean, and a copy is kept. */
  const accountWithExpiredBalance = async (appUserId: string): Promise<{ account: string; amount: string }> => {
    const { customer } = await linkedCustomer(appUserId);
    const read = await overview(first, customer);
    expectAnswered(read);
    const [entity] = (read.body.data?.['customer'] as { entities: { accounts: { accounts: { id: string; balance: { amount: string } }[] } }[] }).entities;
    const account = entity?.accounts.accounts[0];
    if (account === undefined) throw new Error('no account');
    const refreshed = await postGraphQL(first.url, 'mutation ($a: ID!) { refreshAccount(accountId: $a) { id } }', { variables: { a: account.id } });
    expect(refreshed.body.errors).toBeUndefined();
    return { account: account.id, amount: account.balance.amount };
  };
  const balanceOf = (gateway: TestGateway, account: string) => postGraphQL(gateway.url, BALANCE, { variables: { id: account } });
  const leaseRows = () => sql<{ key: string; holder: string }>`select key, holder from lean_fetch_leases`.execute(first.database.db).then((result) => result.rows);
  const calls = async () => (await sandbox.control<{ calls: Record<string, number> }>('GET', '/sandbox/stats')).body.calls;
  const resetCalls = () => sandbox.control('DELETE', '/sandbox/stats');
  const overview = (gateway: TestGateway, customer: CreatedCustomer) => postGraphQL(gateway.url, OVERVIEW, { variables: { customerId: customer.id } });
  const expectAnswered = (answer: GraphQLResponse) => {
    expect(answer.status).toBe(200);
    expect(answer.body.errors, JSON.stringify(answer.body.errors)).toBeUndefined();
    expect(answer.body.data?.['customer']).toBeTruthy();
  };

  it('20 cold overviews of one customer, 10 to each instance, cost the Lean calls of one overview', async () => {
    const single = await linkedCustomer('shared-in-flight-single');
    const many = await linkedCustomer('shared-in-flight-many');
    expect(many.accounts).toBeGreaterThanOrEqual(2);

    await resetCalls();
    expectAnswered(await overview(first, single.customer));
    expect(await calls()).toEqual(oneOverview(single.entities, single.accounts));

    await resetCalls();
    // The response cache is off in the kit (GATEWAY_RESPONSE_CACHE_SECONDS=0): every answer comes from the data layer.
    const answers = await Promise.all(Array.from({ length: 20 }, (_, index) => overview(index % 2 === 0 ? first : second, many.customer)));
    for (const answer of answers) expectAnswered(answer);
    expect(await calls()).toEqual(oneOverview(many.entities, many.accounts));
    // One read of each key: every answer holds the same copy, fetched once.
    for (const answer of answers) expect(answer.body).toEqual(answers[0]?.body);
    // Every lease was given back once its fetch was stored.
    expect(await leaseRows()).toEqual([]);
  });

  it('when the holder fails, the readers on both instances are served the stale copy without waiting for its lease to run out', async () => {
    const { account, amount } = await accountWithExpiredBalance('shared-in-flight-failing');
    await sandbox.control('POST', '/sandbox/faults', { endpoint: BALANCE_CALLS, status: 503, latency_ms: 300, count: 1_000 });
    try {
      await resetCalls();
      const started = performance.now();
      const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => balanceOf(index % 2 === 0 ? first : second, account)));
      const ms = performance.now() - started;
      for (const answer of answers) {
        expect(answer.body.data).toEqual({ node: { balance: { __typename: 'Balance', amount, stale: true } } });
        expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', stale: true });
      }
      // The holder's failure stored nothing fresh: the waiting instance asked Lean itself, once, after it.
      const balanceCalls = (await calls())[BALANCE_CALLS] ?? 0;
      expect(balanceCalls).toBeGreaterThanOrEqual(1);
      expect(balanceCalls).toBeLessThanOrEqual(2);
      // Released on failure: far below the 6 s a lease lasts.
      expect(ms).toBeLessThan(4_000);
      expect(await leaseRows()).toEqual([]);
    } finally {
      await sandbox.control('DELETE', '/sandbox/faults');
    }
  });

  it('a lease left by a holder that died holds its key only until it runs out, then a reader claims it and asks Lean once', async () => {
    const { account } = await accountWithExpiredBalance('shared-in-flight-killed');
    // While Lean answers slowly, the lease is there to see (and its key with it).
    await sandbox.control('POST', '/sandbox/faults', { endpoint: BALANCE_CALLS, latency_ms: 500, count: 1 });
    const slow = balanceOf(first, account);
    let leases = await leaseRows();
    for (let tries = 0; leases.length === 0 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      leases = await leaseRows();
    }
    expect(leases).toHaveLength(1);
    const [lease] = leases;
    expect((await slow).body.data).toMatchObject({ node: { balance: { __typename: 'Balance', stale: false } } });
    expect(await leaseRows()).toEqual([]);

    // The same key, claimed by an instance that was killed: nobody releases it.
    await postGraphQL(first.url, 'mutation ($a: ID!) { refreshAccount(accountId: $a) { id } }', { variables: { a: account } });
    await sql`insert into lean_fetch_leases (key, holder, until) values (${lease?.key}, 'killed', now() + interval '1 second')`.execute(first.database.db);
    await resetCalls();
    const started = performance.now();
    const answer = await balanceOf(second, account);
    const ms = performance.now() - started;
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data).toMatchObject({ node: { balance: { __typename: 'Balance', stale: false } } });
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(4_000);
    expect(await calls()).toEqual({ [BALANCE_CALLS]: 1 });
    expect(await leaseRows()).toEqual([]);
  });
});
