import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { createCustomer, dataAt, globalId, leanCalls, linkBank, resetLeanCalls, sandboxControl, utcDay, type CreatedCustomer } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { leanEndpoint, withoutTokenCalls } from './kit/lean-version.js';
import { postGraphQL, type GraphQLResponse } from './kit/graphql.js';

const BALANCE = 'query ($id: ID!) { node(id: $id) { ... on Account { balance { __typename ... on Balance { amount stale } } } } }';
const TRANSACTIONS = 'query ($id: ID!, $from: Date, $to: Date) { node(id: $id) { ... on Account { transactions(from: $from, to: $to, first: 5) { __typename } } } }';
const ENTITIES = 'query ($id: ID!) { customer(id: $id) { entities { id } } }';
const BALANCE_CALLS = leanEndpoint('balance');
const ENTITY_LIST_CALLS = 'GET /customers/v1/{customer_id}/entities';

interface ErrorBody {
  readonly message: string;
  readonly path?: unknown[];
  readonly extensions?: Record<string, unknown>;
}
const firstError = (answer: GraphQLResponse): ErrorBody | undefined => answer.body.errors?.[0];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

describe('the circuit breaker of each Lean endpoint', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let withoutCopy: string;
  let withCopy: string;
  let copiedAmount: string;
  const balanceOf = (account: string) => postGraphQL(gateway.url, BALANCE, { variables: { id: account } });

  beforeAll(async () => {
    database = await createTestDatabase('upstream_circuit');
    gateway = await startTestGateway({
      ...database.env,
      LEAN_MAX_RETRIES: '1',
      LEAN_CIRCUIT_FAILURES: '3',
      LEAN_CIRCUIT_OPEN_SECONDS: '1',
      GATEWAY_RATE_LIMIT_PER_SECOND: '0',
    });
    const customer = await createCustomer(gateway, 'circuit-user');
    const first = await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
    const second = await linkBank(gateway, customer.leanCustomerId, 'LEANMB2');
    await postGraphQL(gateway.url, 'query ($id: ID!) { customer(id: $id) { entities { accounts { __typename } } } }', { variables: { id: customer.id } });
    withoutCopy = globalId('Account', first.accountIds[0] ?? '');
    withCopy = globalId('Account', second.accountIds[0] ?? '');
    // A balance read once, then expired: Lean is asked again at the next read, and the copy is kept for stale-if-error.
    copiedAmount = (dataAt(await balanceOf(withCopy), 'node.balance') as { amount: string }).amount;
    await postGraphQL(gateway.url, 'mutation ($a: ID!) { refreshAccount(accountId: $a) { id } }', { variables: { a: withCopy } });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('opens after LEAN_CIRCUIT_FAILURES failed calls in a row: the next call fails at once, Lean sees nothing, other endpoints work and a stale copy is served', async () => {
    await resetLeanCalls(gateway);
    await sandboxControl(gateway, 'POST', '/sandbox/faults', { endpoint: BALANCE_CALLS, status: 503, count: 1_000 });
    for (let call = 1; call <= 3; call++) {
      const failed = await balanceOf(withoutCopy);
      expect(firstError(failed)).toMatchObject({ path: ['node', 'balance'], extensions: { code: 'UPSTREAM_UNAVAILABLE', reason: 'server_error' } });
    }
    // Each failed call is counted once, after its retry: 3 calls, 6 requests.
    expect((await leanCalls(gateway)).calls[BALANCE_CALLS]).toBe(6);
    expect(gateway.logs.filter((line) => line.includes('lean circuit opened') && line.includes(BALANCE_CALLS))).toHaveLength(1);

    // The best of three, so that one scheduling hiccup of a loaded test machine does not decide it.
    const tries = [await timed(() => balanceOf(withoutCopy)), await timed(() => balanceOf(withoutCopy)), await timed(() => balanceOf(withoutCopy))];
    const open = tries.reduce((best, next) => (next.ms < best.ms ? next : best));
    expect(open.ms).toBeLessThan(50);
    expect(open.value.status).toBe(200);
    expect(firstError(open.value)).toMatchObject({
      path: ['node', 'balance'],
      extensions: { code: 'UPSTREAM_UNAVAILABLE', reason: 'circuit_open', retryAfterSeconds: 1, correlationId: expect.any(String) as unknown },
    });
    expect((await leanCalls(gateway)).calls[BALANCE_CALLS]).toBe(6);

    // Another endpoint of the same account has its own circuit.
    const transactions = await postGraphQL(gateway.url, TRANSACTIONS, { variables: { id: withoutCopy, from: utcDay(-10), to: utcDay(0) } });
    expect(transactions.body.errors).toBeUndefined();
    expect(dataAt(transactions, 'node.transactions.__typename')).toBe('TransactionConnection');
    expect((await leanCalls(gateway)).calls[leanEndpoint('transactions')]).toBe(1);

    // Stale-if-error holds while the circuit is open.
    const stale = await balanceOf(withCopy);
    expect(dataAt(stale, 'node.balance')).toEqual({ __typename: 'Balance', amount: copiedAmount, stale: true });
    expect(firstError(stale)).toMatchObject({ extensions: { code: 'UPSTREAM_UNAVAILABLE', reason: 'circuit_open', stale: true } });
    expect((await leanCalls(gateway)).calls[BALANCE_CALLS]).toBe(6);
  });

  it('after LEAN_CIRCUIT_OPEN_SECONDS one probe reaches Lean: a failed probe opens the circuit again, a successful one closes it', async () => {
    await sleep(1_100);
    const failedProbe = await balanceOf(withoutCopy);
    expect(firstError(failedProbe)).toMatchObject({ extensions: { code: 'UPSTREAM_UNAVAILABLE', reason: 'server_error' } });
    // The probe is a single request, without retries.
    expect((await leanCalls(gateway)).calls[BALANCE_CALLS]).toBe(7);
    const reopened = await timed(() => balanceOf(withoutCopy));
    expect(reopened.ms).toBeLessThan(500); // well below a request with its retry, whatever the machine's load
    expect(firstError(reopened.value)).toMatchObject({ extensions: { reason: 'circuit_open' } });
    expect((await leanCalls(gateway)).calls[BALANCE_CALLS]).toBe(7);

    await sandboxControl(gateway, 'DELETE', '/sandbox/faults');
    await sleep(1_100);
    const probe = await balanceOf(withoutCopy);
    expect(probe.body.errors).toBeUndefined();
    expect(dataAt(probe, 'node.balance')).toMatchObject({ __typename: 'Balance', stale: false });
    expect((await leanCalls(gateway)).calls[BALANCE_CALLS]).toBe(8);
    expect(gateway.logs.filter((line) => line.includes('lean circuit closed') && line.includes(BALANCE_CALLS))).toHaveLength(1);

    // Closed: the next read goes to Lean again and answers fresh data.
    const fresh = await balanceOf(withCopy);
    expect(dataAt(fresh, 'node.balance')).toMatchObject({ __typename: 'Balance', stale: false });
    expect((await leanCalls(gateway)).calls[BALANCE_CALLS]).toBe(9);
  });
});

describe("Lean's 429 pauses every call of the application", () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let customers: CreatedCustomer[];
  const entitiesOf = (customer: CreatedCustomer) => postGraphQL(gateway.url, ENTITIES, { variables: { id: customer.id } });

  beforeAll(async () => {
    database = await createTestDatabase('upstream_rate_limit');
    gateway = await startTestGateway({ ...database.env, GATEWAY_RATE_LIMIT_PER_SECOND: '0' });
    customers = [];
    for (let index = 0; index < 13; index++) customers.push(await createCustomer(gateway, `paused-user-${index}`));
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('calls issued during a pause wait for it to end instead of each reaching Lean, then succeed', async () => {
    await resetLeanCalls(gateway);
    await sandboxControl(gateway, 'POST', '/sandbox/faults', { path: '/customers/v1/', status: 429, retry_after_s: 2, count: 1 });
    const started = Date.now();
    const first = entitiesOf(customers[0] as CreatedCustomer);
    while ((await leanCalls(gateway)).total < 1) await sleep(10);
    await sleep(100); // the 429 is answered at once; give the gateway a moment to read it

    // Nine more customers' entity lists (distinct keys: no sharing of one call), and a write on another endpoint.
    const during = [...customers.slice(1, 10).map((customer) => entitiesOf(customer)), createCustomer(gateway, 'created-while-paused')];
    await sleep(1_000);
    const whilePaused = await leanCalls(gateway);
    expect(whilePaused.calls).toEqual({ [ENTITY_LIST_CALLS]: 1 });
    expect(whilePaused.total).toBe(1);

    const answers: GraphQLResponse[] = await Promise.all([first, ...(during.slice(0, 9) as Promise<GraphQLResponse>[])]);
    const created = await during[9];
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    for (const answer of answers) {
      expect(answer.body.errors).toBeUndefined();
      expect(dataAt(answer, 'customer.entities')).toEqual([]);
    }
    expect(created).toMatchObject({ leanCustomerId: expect.any(String) as unknown });
    const after = await leanCalls(gateway);
    // The first call's own retry, and one call for each of the others.
    expect(withoutTokenCalls(after.calls)).toEqual({ [ENTITY_LIST_CALLS]: 11, 'POST /customers/v1': 1 });
    expect(gateway.logs.filter((line) => line.includes('calls to Lean are paused'))).toHaveLength(1);
  });

  it('a pause longer than calls may wait fails them at once as UPSTREAM_UNAVAILABLE rate_limited with a retry hint, and webhooks wait without using up attempts', async () => {
    await resetLeanCalls(gateway);
    await sandboxControl(gateway, 'POST', '/sandbox/faults', { path: '/customers/v1/', status: 429, retry_after_s: 30, count: 1 });
    const refused = await entitiesOf(customers[10] as CreatedCustomer);
    expect(firstError(refused)).toMatchObject({ extensions: { code: 'UPSTREAM_UNAVAILABLE', reason: 'rate_limited', retryAfterSeconds: 30 } });

    const paused = await timed(() => entitiesOf(customers[11] as CreatedCustomer));
    expect(paused.ms).toBeLessThan(500); // no wait for the 30 s pause
    expect(paused.value.status).toBe(200);
    const error = firstError(paused.value);
    expect(error).toMatchObject({ path: ['customer', 'entities'], extensions: { code: 'UPSTREAM_UNAVAILABLE', reason: 'rate_limited' } });
    expect(error?.extensions?.['retryAfterSeconds']).toBeGreaterThanOrEqual(29);
    expect(error?.extensions?.['retryAfterSeconds']).toBeLessThanOrEqual(30);
    expect((await leanCalls(gateway)).total).toBe(1);

    // entity.created needs Lean: the row waits for the pause to end, RECEIVED, its attempt not counted.
    const customer = customers[12] as CreatedCustomer;
    const connect = await sandboxControl(gateway, 'POST', '/sandbox/connect', { customer_id: customer.leanCustomerId, bank_identifier: 'LEANMB1', permissions: ['accounts'] });
    expect(connect.status).toBe(201);
    const entityId = (connect.body as { id: string }).id;
    const deferred = async () =>
      gateway.database.db.selectFrom('webhook_inbox').select(['status', 'attempts', 'last_error', 'next_attempt_at']).where('body', 'like', `%${entityId}%`).executeTakeFirst();
    for (let waited = 0; !(await deferred())?.last_error && waited < 5_000; waited += 20) await sleep(20);
    await sleep(1_500); // a poll or more later, nothing changed
    const row = await deferred();
    expect(row).toMatchObject({ status: 'RECEIVED', attempts: 0 });
    expect(row?.last_error).toContain('paused');
    expect(row?.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + 20_000);
    expect((await leanCalls(gateway)).total).toBe(1);
  });
});
