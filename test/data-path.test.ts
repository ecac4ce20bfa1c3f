import { DEFAULT_PAGE_SIZE as V2_PAGE_SIZE } from '../src/lean/v2/client.js';
import { LEAN_TEST_VERSION, leanEndpoint, withoutTokenCalls } from './kit/lean-version.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { createCustomer, dataAt, globalId, leanCalls, linkBank, resetLeanCalls, sandboxControl, utcDay, type CreatedCustomer } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { postGraphQL, type GraphQLResponse } from './kit/graphql.js';

const NESTED = /* GraphQL */ `
  query Nested($id: ID!, $from: Date!, $to: Date!) {
    customer(id: $id) {
      entities {
        id
        accounts {
          __typename
          ... on AccountList {
            accounts {
              id
              balance { __typename ... on Balance { amount currency stale } }
              transactions(from: $from, to: $to, first: 100) {
                __typename
                ... on TransactionConnection { edges { node { id amount timestamp } } }
              }
            }
          }
        }
      }
    }
  }
`;

interface NestedAccount {
  id: string;
  balance: { __typename: string; amount?: string; stale?: boolean };
  transactions: { __typename: string; edges?: { node: { id: string; amount: string; timestamp: string } }[] };
}

function nestedAccounts(answer: GraphQLResponse): NestedAccount[] {
  const entities = dataAt(answer, 'customer.entities') as { accounts: { accounts: NestedAccount[] } }[];
  return entities.flatMap((entity) => entity.accounts.accounts);
}

const PAGE = /* GraphQL */ `
  query Page($id: ID!, $from: Date, $to: Date, $first: Int, $after: String) {
    node(id: $id) {
      ... on Account {
        transactions(from: $from, to: $to, first: $first, after: $after) {
          __typename
          ... on TransactionConnection {
            edges { cursor node { id leanTransactionId timestamp amount } }
            pageInfo { hasNextPage endCursor }
          }
          ... on ResultsPending { resultsId }
        }
      }
    }
  }
`;

describe('the data path: Lean read through Postgres', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  const last30 = { from: utcDay(-30), to: utcDay(0) };

  beforeAll(async () => {
    database = await createTestDatabase('data_path');
    gateway = await startTestGateway({ ...database.env, LEAN_MAX_RETRIES: '0', LEAN_SANDBOX_RESULTS_DELAY_MS: '600000' });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });
  beforeEach(() => resetLeanCalls(gateway));

  it('a nested query costs 1 + E + 2A Lean calls cold, and none when repeated within the freshness windows', async () => {
    const customer = await createCustomer(gateway, 'nested-user');
    const linked = [await linkBank(gateway, customer.leanCustomerId, 'LEANMB1'), await linkBank(gateway, customer.leanCustomerId, 'LEANMB2')];
    const entities = linked.length;
    const accounts = linked.reduce((sum, entity) => sum + entity.accountIds.length, 0);
    expect(accounts).toBeGreaterThan(entities);
    await resetLeanCalls(gateway);

    const cold = await postGraphQL(gateway.url, NESTED, { variables: { id: customer.id, ...last30 } });
    expect(cold.body.errors).toBeUndefined();
    const answered = nestedAccounts(cold);
    expect(answered).toHaveLength(accounts);
    for (const account of answered) {
      expect(account.balance.__typename).toBe('Balance');
      expect(account.balance.amount).toMatch(/^-?\d+(\.\d{1,2})?$/);
      expect(account.transactions.__typename).toBe('TransactionConnection');
    }
    expect(answered.some((account) => (account.transactions.edges?.length ?? 0) > 0)).toBe(true);
    const coldCalls = await leanCalls(gateway);
    expect(withoutTokenCalls(coldCalls.calls)).toEqual({
      'GET /customers/v1/{customer_id}/entities': 1,
      [leanEndpoint('accounts')]: entities,
      [leanEndpoint('balance')]: accounts,
      [leanEndpoint('transactions')]: accounts,
    });
    expect(Object.values(withoutTokenCalls(coldCalls.calls)).reduce((a, b) => a + b, 0)).toBe(1 + entities + 2 * accounts);

    await resetLeanCalls(gateway);
    const warm = await postGraphQL(gateway.url, NESTED, { variables: { id: customer.id, ...last30 } });
    expect(warm.body).toEqual(cold.body);
    expect((await leanCalls(gateway)).total).toBe(0);

    // What was answered is what Postgres now holds: one row per transaction, amounts as numeric.
    const stored = await gateway.database.db
      .selectFrom('transactions')
      .select(['transaction_id', 'amount'])
      .where('account_id', 'in', linked.flatMap((entity) => entity.accountIds))
      .execute();
    const served = answered.flatMap((account) => account.transactions.edges ?? []);
    expect(stored.length).toBeGreaterThanOrEqual(served.length);
  });

  it('20 concurrent identical cold queries cost the Lean calls of one', async () => {
    const customer = await createCustomer(gateway, 'concurrent-user');
    const linked = await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
    await resetLeanCalls(gateway);
    const answers = await Promise.all(Array.from({ length: 20 }, () => postGraphQL(gateway.url, NESTED, { variables: { id: customer.id, ...last30 } })));
    for (const answer of answers) {
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body).toEqual(answers[0]?.body);
    }
    const calls = withoutTokenCalls((await leanCalls(gateway)).calls);
    expect(calls).toEqual({
      'GET /customers/v1/{customer_id}/entities': 1,
      [leanEndpoint('accounts')]: 1,
      [leanEndpoint('balance')]: linked.accountIds.length,
      [leanEndpoint('transactions')]: linked.accountIds.length,
    });
    expect(Object.values(calls).reduce((a, b) => a + b, 0)).toBe(1 + 1 + 2 * linked.accountIds.length);
  });

  describe('transaction ranges and pages', () => {
    let customer: CreatedCustomer;
    let accountGlobalId: string;
    let accountId: string;

    beforeAll(async () => {
      customer = await createCustomer(gateway, 'ranges-user');
      const linked = await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
      accountId = linked.accountIds[0] ?? '';
      accountGlobalId = globalId('Account', accountId);
      // The account becomes known to the gateway by listing it.
      await postGraphQL(gateway.url, '{ customer(id: "' + customer.id + '") { entities { accounts { __typename } } } }');
    });

    const page = (variables: Record<string, unknown>) => postGraphQL(gateway.url, PAGE, { variables: { id: accountGlobalId, ...variables } });
    const rangesOf = () =>
      gateway.database.db
        .selectFrom('transaction_ranges')
        .select(['start_date', 'end_date', 'expires_at'])
        .where('account_id', '=', accountId)
        .orderBy('start_date')
        .execute();

    /** Lean calls one fetch of these days takes: one under v1; under v2 one per page of what Lean holds for them. */
    const pagesOf = async (from: string, to: string) => {
      if (LEAN_TEST_VERSION === 'v1') return 1;
      const stored = await gateway.database.db
        .selectFrom('transactions')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('account_id', '=', accountId)
        .where('timestamp', '>=', new Date(`${from}T00:00:00Z`))
        .where('timestamp', '<', new Date(new Date(`${to}T00:00:00Z`).getTime() + 86_400_000))
        .executeTakeFirstOrThrow();
      return Math.max(1, Math.ceil(Number(stored.count) / V2_PAGE_SIZE));
    };

    it('a second, overlapping range asks Lean only for the days not fetched yet', async () => {
      const first = { from: utcDay(-120), to: utcDay(-90) };
      const second = { from: utcDay(-100), to: utcDay(-60) };
      await resetLeanCalls(gateway);
      expect((await page({ ...first, first: 5 })).body.errors).toBeUndefined();
      expect(withoutTokenCalls((await leanCalls(gateway)).calls)).toEqual({ [leanEndpoint('transactions')]: await pagesOf(first.from, first.to) });
      expect(await rangesOf()).toEqual([{ start_date: first.from, end_date: first.to, expires_at: null }]);

      await resetLeanCalls(gateway);
      expect((await page({ ...second, first: 5 })).body.errors).toBeUndefined();
      expect(withoutTokenCalls((await leanCalls(gateway)).calls)).toEqual({ [leanEndpoint('transactions')]: await pagesOf(utcDay(-89), second.to) });
      // The gap alone was fetched: the day after the first range up to the end of the second.
      expect(await rangesOf()).toEqual([
        { start_date: first.from, end_date: first.to, expires_at: null },
        { start_date: utcDay(-89), end_date: second.to, expires_at: null },
      ]);

      await resetLeanCalls(gateway);
      expect((await page({ from: utcDay(-110), to: utcDay(-70), first: 5 })).body.errors).toBeUndefined();
      expect((await leanCalls(gateway)).total).toBe(0);
    });

    it('pages are stable: walking a range page by page gives every transaction once, newest first', async () => {
      const range = { from: utcDay(-75), to: utcDay(-66) };
      const whole = await page({ ...range, first: 100 });
      const all = (dataAt(whole, 'node.transactions.edges') as { node: { id: string; timestamp: string } }[]).map((edge) => edge.node);
      expect(all.length).toBeGreaterThan(10);
      expect(all.length).toBeLessThan(100);

      const walked: { id: string; timestamp: string }[] = [];
      let after: string | undefined;
      for (let pages = 0; pages < 50; pages += 1) {
        const answer = await page({ ...range, first: 7, after });
        expect(answer.body.errors).toBeUndefined();
        const edges = dataAt(answer, 'node.transactions.edges') as { node: { id: string; timestamp: string } }[];
        walked.push(...edges.map((edge) => edge.node));
        const info = dataAt(answer, 'node.transactions.pageInfo') as { hasNextPage: boolean; endCursor: string };
        if (!info.hasNextPage) break;
        after = info.endCursor;
      }
      expect(walked.map((t) => t.id)).toEqual(all.map((t) => t.id));
      expect(new Set(walked.map((t) => t.id)).size).toBe(walked.length);
      const times = walked.map((t) => Date.parse(t.timestamp));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      for (const t of walked) {
        expect(t.timestamp >= `${range.from}T00:00:00`).toBe(true);
        expect(t.timestamp < `${utcDay(1, new Date(`${range.to}T00:00:00Z`))}T00:00:00`).toBe(true);
      }
    });

    it('the part of a range that reaches today (or a pending transaction) expires after its window; settled days never do', async () => {
      const answer = await page({ from: utcDay(-10), to: utcDay(0), first: 100 });
      const edges = dataAt(answer, 'node.transactions.edges') as { node: { timestamp: string } }[];
      expect(edges.length).toBeGreaterThan(0);
      const pending = await gateway.database.db
        .selectFrom('transactions')
        .select('timestamp')
        .where('account_id', '=', accountId)
        .where('pending', '=', true)
        .orderBy('timestamp')
        .executeTakeFirst();
      // Settled: before today and before the oldest pending transaction, which may still be booked under a new id.
      const settledThrough = pending === undefined || pending.timestamp.toISOString().slice(0, 10) > utcDay(-1) ? utcDay(-1) : utcDay(-1, pending.timestamp);
      const ranges = (await rangesOf()).filter((range) => range.start_date >= utcDay(-10));
      expect(ranges).toEqual([
        { start_date: utcDay(-10), end_date: settledThrough, expires_at: null },
        { start_date: utcDay(1, new Date(`${settledThrough}T00:00:00Z`)), end_date: utcDay(0), expires_at: expect.any(Date) as unknown },
      ]);
    });

    it('refuses a page larger than 100, a negative one, `from` after `to`, an impossible date and a forged cursor', async () => {
      const codes = async (variables: Record<string, unknown>) => (await page(variables)).body.errors?.map((error) => error.extensions?.code);
      expect(await codes({ first: 101 })).toEqual(['BAD_USER_INPUT']);
      expect(await codes({ first: -1 })).toEqual(['BAD_USER_INPUT']);
      expect(await codes({ from: utcDay(-1), to: utcDay(-2) })).toEqual(['BAD_USER_INPUT']);
      expect(await codes({ from: '2025-02-30' })).toEqual(['BAD_USER_INPUT']);
      expect(await codes({ after: 'not-a-cursor' })).toEqual(['BAD_USER_INPUT']);
    });
  });

  it('a bank that answers PENDING gives the typed pending result, remembered by results_id', async () => {
    const customer = await createCustomer(gateway, 'pending-user');
    const linked = await linkBank(gateway, customer.leanCustomerId, 'LEANMB3_ASYNC');
    const answer = await postGraphQL(gateway.url, NESTED, { variables: { id: customer.id, ...last30 } });
    expect(answer.body.errors).toBeUndefined();
    const accounts = nestedAccounts(answer);
    expect(accounts.length).toBe(linked.accountIds.length);
    const pending = accounts.map((account) => account.transactions as unknown as { __typename: string; resultsId: string });
    for (const result of pending) expect(result.__typename).toBe('ResultsPending');

    const PENDING_ID = /* GraphQL */ `query ($id: ID!, $from: Date!, $to: Date!) { node(id: $id) { ... on Account { transactions(from: $from, to: $to) { __typename ... on ResultsPending { resultsId message } } } } }`;
    const accountId = linked.accountIds[0] ?? '';
    const typed = await postGraphQL(gateway.url, PENDING_ID, { variables: { id: globalId('Account', accountId), ...last30 } });
    const result = dataAt(typed, 'node.transactions') as { __typename: string; resultsId: string };
    expect(result.__typename).toBe('ResultsPending');
    const remembered = await gateway.database.db.selectFrom('pending_results').selectAll().where('results_id', '=', result.resultsId).executeTakeFirst();
    // Asked again while Lean is still working: the same pending answer, and Lean is not asked again.
    await resetLeanCalls(gateway);
    const again = await postGraphQL(gateway.url, PENDING_ID, { variables: { id: globalId('Account', accountId), ...last30 } });
    expect(dataAt(again, 'node.transactions')).toEqual(result);
    expect((await leanCalls(gateway)).total).toBe(0);
    expect(remembered).toMatchObject({
      kind: 'transactions',
      status: 'PENDING',
      entity_id: linked.id,
      account_id: accountId,
      start_date: last30.from,
      end_date: last30.to,
      customer_id: customer.leanCustomerId,
    });
  });

  it('an expired bank session gives the typed reconnect result and marks the entity', async () => {
    const customer = await createCustomer(gateway, 'reconnect-user');
    const linked = await linkBank(gateway, customer.leanCustomerId, 'LEANMB4_OTP');
    const BALANCES = /* GraphQL */ `
      query ($id: ID!) {
        customer(id: $id) {
          entities {
            status
            reconnectId
            accounts { __typename ... on ReconnectRequired { reconnectId resultsId entityId } ... on AccountList { accounts { balance { __typename ... on ReconnectRequired { reconnectId resultsId entityId } } } } }
          }
        }
      }
    `;
    expect((await postGraphQL(gateway.url, BALANCES, { variables: { id: customer.id } })).body.errors).toBeUndefined();
    expect((await sandboxControl(gateway, 'POST', `/sandbox/entities/${linked.id}/expire-session`)).status).toBe(200);
    await postGraphQL(gateway.url, `mutation ($a: ID!) { refreshAccount(accountId: $a) { id } }`, { variables: { a: globalId('Account', linked.accountIds[0] ?? '') } });

    const answer = await postGraphQL(gateway.url, BALANCES, { variables: { id: customer.id } });
    expect(answer.body.errors).toBeUndefined();
    const balance = dataAt(answer, 'customer.entities.0.accounts.accounts.0.balance') as { __typename: string; reconnectId: string; resultsId: string; entityId: string };
    expect(balance).toEqual({ __typename: 'ReconnectRequired', reconnectId: expect.any(String) as unknown, resultsId: expect.any(String) as unknown, entityId: globalId('Entity', linked.id) });

    const again = await postGraphQL(gateway.url, BALANCES, { variables: { id: customer.id } });
    expect(dataAt(again, 'customer.entities.0.status')).toBe('RECONNECT_REQUIRED');
    expect(dataAt(again, 'customer.entities.0.reconnectId')).toBe(balance.reconnectId);
    const remembered = await gateway.database.db.selectFrom('pending_results').selectAll().where('results_id', '=', balance.resultsId).executeTakeFirst();
    expect(remembered).toMatchObject({ kind: 'balance', status: 'RECONNECT_REQUIRED', reconnect_id: balance.reconnectId, entity_id: linked.id });
  });

  it('when Lean fails and a copy exists, the copy is served with stale: true and the upstream error', async () => {
    const customer = await createCustomer(gateway, 'stale-user');
    const linked = await linkBank(gateway, customer.leanCustomerId, 'LEANMB2');
    const account = globalId('Account', linked.accountIds[0] ?? '');
    const BALANCE = `query ($id: ID!) { node(id: $id) { ... on Account { balance { __typename ... on Balance { amount stale } } } } }`;
    await postGraphQL(gateway.url, `{ customer(id: "${customer.id}") { entities { accounts { __typename } } } }`);
    const fresh = await postGraphQL(gateway.url, BALANCE, { variables: { id: account } });
    expect(dataAt(fresh, 'node.balance')).toMatchObject({ __typename: 'Balance', stale: false });

    await postGraphQL(gateway.url, `mutation ($a: ID!) { refreshAccount(accountId: $a) { id } }`, { variables: { a: account } });
    await sandboxControl(gateway, 'POST', '/sandbox/faults', { endpoint: leanEndpoint('balance'), status: 503, count: 5 });
    try {
      const stale = await postGraphQL(gateway.url, BALANCE, { variables: { id: account } });
      expect(dataAt(stale, 'node.balance')).toEqual({ __typename: 'Balance', amount: (dataAt(fresh, 'node.balance') as { amount: string }).amount, stale: true });
      expect(stale.body.errors).toHaveLength(1);
      expect(stale.body.errors?.[0]).toMatchObject({ path: ['node', 'balance'], extensions: { code: 'UPSTREAM_UNAVAILABLE', stale: true, leanStatus: expect.any(String) as unknown } });
    } finally {
      await sandboxControl(gateway, 'DELETE', '/sandbox/faults');
    }
  });

  it('disconnectEntity deletes the entity at Lean, marks it disconnected and deletes its cached data', async () => {
    const customer = await createCustomer(gateway, 'disconnect-user');
    const linked = await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
    await postGraphQL(gateway.url, NESTED, { variables: { id: customer.id, ...last30 } });
    const rows = () => gateway.database.db.selectFrom('accounts').select('id').where('entity_id', '=', linked.id).execute();
    expect((await rows()).length).toBe(linked.accountIds.length);

    const answer = await postGraphQL(gateway.url, `mutation ($e: ID!) { disconnectEntity(entityId: $e) { status } }`, { variables: { e: globalId('Entity', linked.id) } });
    expect(answer.body).toEqual({ data: { disconnectEntity: { status: 'DISCONNECTED' } } });
    expect(await rows()).toEqual([]);
    expect(await gateway.database.db.selectFrom('transactions').select('transaction_id').where('account_id', 'in', linked.accountIds).execute()).toEqual([]);
    expect(await gateway.database.db.selectFrom('identities').select('entity_id').where('entity_id', '=', linked.id).execute()).toEqual([]);
    const listed = await postGraphQL(gateway.url, `query ($id: ID!) { customer(id: $id) { entities { id } all: entities(includeDisconnected: true) { status } } }`, {
      variables: { id: customer.id },
    });
    expect(listed.body.data).toEqual({ customer: { entities: [], all: [{ status: 'DISCONNECTED' }] } });
    // Lean no longer has it.
    expect(gateway.sandbox?.state.accountsOf(linked.id)).toBeDefined();
    await resetLeanCalls(gateway);
    await postGraphQL(gateway.url, `mutation ($c: ID!) { refreshCustomer(customerId: $c) { entities(includeDisconnected: true) { status } } }`, { variables: { c: customer.id } });
    expect(withoutTokenCalls((await leanCalls(gateway)).calls)).toEqual({ 'GET /customers/v1/{customer_id}/entities': 1 });
  });

  it('createCustomer adopts an app_user_id Lean already knows instead of failing', async () => {
    const first = await createCustomer(gateway, 'twice-user');
    expect(await createCustomer(gateway, 'twice-user')).toEqual(first);
    // Known to Lean but not to this gateway: created behind its back.
    const known = await gateway.lean.createCustomer('created-elsewhere');
    const adopted = await createCustomer(gateway, 'created-elsewhere');
    expect(adopted.leanCustomerId).toBe(known.id);
  });
});
