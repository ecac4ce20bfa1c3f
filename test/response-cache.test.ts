import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, usingPostgres, type TestDatabase } from './kit/database.js';
import { createCustomer, dataAt, globalId, linkBank, webhooksApplied, type LinkedEntity } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import type { TestSandbox } from './kit/sandbox.js';
import { startTwoInstances, type TwoInstances } from './kit/two-instances.js';
import { errorCodes, postGraphQL } from './kit/graphql.js';
import { postWebhook, TEST_WEBHOOK_SECRET } from './kit/webhooks.js';

const KEY_A = 'response-cache-service-key-a-0123456789abcdef';
const KEY_B = 'response-cache-service-key-b-0123456789abcdef';
const BALANCE = 'query ($id: ID!) { node(id: $id) { ... on Account { balance { ... on Balance { amount } } } } }';
const PREPARE_LINK = 'mutation ($c: ID!) { prepareLink(customerId: $c, permissions: [ACCOUNTS]) { customerId } }';
const REFRESH_ACCOUNT = 'mutation ($id: ID!) { refreshAccount(accountId: $id) { id } }';

describe('the response cache (GATEWAY_RESPONSE_CACHE_SECONDS)', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let entity: LinkedEntity;
  let accountId: string;
  let customerId: string;

  const amountAs = async (key: string): Promise<unknown> => {
    const answer = await postGraphQL(gateway.url, BALANCE, { token: key, variables: { id: globalId('Account', accountId) } });
    expect(answer.body.errors, JSON.stringify(answer.body)).toBeUndefined();
    expect(dataAt(answer, 'node.balance.amount'), JSON.stringify(answer.body)).toBeDefined();
    return dataAt(answer, 'node.balance.amount');
  };
  const balanceAs = async (key: string): Promise<{ amount: unknown; hit: boolean }> => {
    const answer = await postGraphQL(gateway.url, BALANCE, { token: key, variables: { id: globalId('Account', accountId) } });
    expect(answer.body.errors, JSON.stringify(answer.body)).toBeUndefined();
    return { amount: dataAt(answer, 'node.balance.amount'), hit: answer.headers.get('x-response-cache') === 'hit' };
  };
  /** Changes the stored balance behind the gateway's back, so only a kept answer still shows the old one. */
  const storeAmount = (amount: string) => gateway.database.db.updateTable('balances').set({ amount }).where('account_id', '=', accountId).execute();

  beforeAll(async () => {
    database = await createTestDatabase('response_cache');
    gateway = await startTestGateway({
      ...database.env,
      GATEWAY_API_KEYS: `${KEY_A},${KEY_B}`,
      LEAN_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      GATEWAY_RESPONSE_CACHE_SECONDS: '2',
    });
    const customer = await createCustomer(gateway, 'cache-user', { token: KEY_A });
    customerId = customer.id;
    entity = await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
    accountId = entity.accountIds[0] ?? '';
    // The accounts and balances are fetched from Lean and stored.
    const overview = '{ customer(id: "' + customer.id + '") { entities { accounts { ... on AccountList { accounts { balance { __typename } } } } } } }';
    expect((await postGraphQL(gateway.url, overview, { token: KEY_A })).body.errors).toBeUndefined();
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('answers the same query of the same principal again without running it, and no other principal from it', async () => {
    await storeAmount('100.00');
    await new Promise((resolve) => setTimeout(resolve, 2_100)); // whatever was kept before has expired
    expect(await amountAs(KEY_A)).toBe('100.00');
    await storeAmount('200.00');
    expect(await amountAs(KEY_A)).toBe('100.00'); // kept
    expect(await amountAs(KEY_B)).toBe('200.00'); // another principal runs it
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(await amountAs(KEY_A)).toBe('200.00'); // the lifetime is over
  });

  it('a mutation forgets only the answers of the customer whose data it changed; one that changes nothing stored forgets nothing', async () => {
    await storeAmount('300.00');
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(await amountAs(KEY_A)).toBe('300.00');
    await storeAmount('310.00');
    // Another customer created (their data changed, not this one's), and a link prepared (nothing stored changes).
    await createCustomer(gateway, 'another-cache-user', { token: KEY_B });
    const prepared = await postGraphQL(gateway.url, PREPARE_LINK, { token: KEY_B, variables: { c: customerId } });
    expect(prepared.body.errors, JSON.stringify(prepared.body)).toBeUndefined();
    expect(await balanceAs(KEY_A)).toEqual({ amount: '300.00', hit: true });
    // This customer's account is made to be read again: its answers go.
    const refreshed = await postGraphQL(gateway.url, REFRESH_ACCOUNT, { token: KEY_B, variables: { id: globalId('Account', accountId) } });
    expect(refreshed.body.errors, JSON.stringify(refreshed.body)).toBeUndefined();
    expect((await balanceAs(KEY_A)).hit).toBe(false);
  });

  it("forgets the customer's answers when a webhook changes its stored data (entity.updated → dataChanged)", async () => {
    await storeAmount('400.00');
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(await amountAs(KEY_A)).toBe('400.00');
    await storeAmount('410.00');
    expect(await amountAs(KEY_A)).toBe('400.00');
    const eventId = randomUUID();
    const body = JSON.stringify({ type: 'entity.updated', payload: { id: entity.id }, message: 'entity updated', timestamp: new Date().toISOString(), event_id: eventId });
    expect((await postWebhook(gateway.url, body)).status).toBe(200);
    await webhooksApplied(gateway, (row) => row.body.includes(eventId));
    // The event reaches this instance through LISTEN a moment after the commit.
    const started = Date.now();
    while ((await amountAs(KEY_A)) !== '410.00') {
      if (Date.now() - started > 1_500) throw new Error('the kept answer outlived the webhook');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  it("requests whose Accept lists negotiate the same media type share one kept answer; GraphiQL's Accept (with multipart/mixed) is answered from it", async () => {
    await storeAmount('700.00');
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const ask = async (accept: string) => {
      const answer = await postGraphQL(gateway.url, BALANCE, { token: KEY_A, variables: { id: globalId('Account', accountId) }, headers: { accept } });
      expect(answer.body.errors, JSON.stringify(answer.body)).toBeUndefined();
      return { type: answer.headers.get('content-type')?.split(';')[0], hit: answer.headers.get('x-response-cache') === 'hit' };
    };
    const graphiql = 'application/graphql-response+json, multipart/mixed';
    expect(await ask(graphiql)).toEqual({ type: 'application/graphql-response+json', hit: false });
    expect(await ask(graphiql)).toEqual({ type: 'application/graphql-response+json', hit: true });
    expect(await ask('application/graphql-response+json')).toEqual({ type: 'application/graphql-response+json', hit: true });
    expect(await ask('text/event-stream, application/graphql-response+json;charset=utf-8')).toEqual({ type: 'application/graphql-response+json', hit: true });
    // Another media type is another answer; a wildcard negotiates application/json, as yoga does.
    expect(await ask('application/json')).toEqual({ type: 'application/json', hit: false });
    expect(await ask('*/*')).toEqual({ type: 'application/json', hit: true });
    expect(await ask('application/json, application/graphql-response+json')).toEqual({ type: 'application/json', hit: true });
  });

  it('never keeps an answer with errors, nor serves a refused credential from it', async () => {
    const refused = await postGraphQL(gateway.url, BALANCE, { token: 'not-a-key-at-all', variables: { id: globalId('Account', accountId) } });
    expect(refused.status).toBe(401);
    // The balance and, beside it, a field that fails: the answer has an error, so it is not kept.
    const withError = 'query ($id: ID!) { node(id: $id) { ... on Account { balance { ... on Balance { amount } } } } bad: node(id: "x") { id } }';
    const ask = () => postGraphQL(gateway.url, withError, { token: KEY_A, variables: { id: globalId('Account', accountId) } });
    await storeAmount('500.00');
    const first = await ask();
    expect(errorCodes(first)).toEqual(['BAD_USER_INPUT']);
    expect(dataAt(first, 'node.balance.amount')).toBe('500.00');
    await storeAmount('510.00');
    const again = await ask();
    expect(dataAt(again, 'node.balance.amount')).toBe('510.00');
    expect(again.headers.get('x-response-cache')).toBeNull();
    // Without the failing field the same balance is kept, and its repetition says so.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await amountAs(KEY_A);
    const kept = await postGraphQL(gateway.url, BALANCE, { token: KEY_A, variables: { id: globalId('Account', accountId) } });
    expect(kept.headers.get('x-response-cache')).toBe('hit');
  });

  it('never keeps a batch (a refusal inside one never reaches execution), mutation or not', async () => {
    const batchDatabase = await createTestDatabase('response_cache_batch');
    const batching = await startTestGateway({ ...batchDatabase.env, GATEWAY_API_KEYS: KEY_A, GATEWAY_MAX_BATCH: '2', GATEWAY_RESPONSE_CACHE_SECONDS: '30' });
    try {
      const send = async (body: unknown) => {
        const response = await fetch(`${batching.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${KEY_A}` },
          body: JSON.stringify(body),
        });
        expect(response.status).toBe(200);
        return { hit: response.headers.get('x-response-cache') === 'hit', body: (await response.json()) as unknown };
      };
      const single = { query: '{ viewer { kind } }' };
      expect((await send(single)).hit).toBe(false);
      expect((await send(single)).hit).toBe(true); // the same operation alone is kept
      for (const batch of [
        [single, { query: '{ again: viewer { kind } }' }],
        [{ query: 'mutation { createCustomer(appUserId: "batch-user") { appUserId } }' }, single],
      ]) {
        expect((await send(batch)).body).toHaveLength(2);
        expect((await send(batch)).hit).toBe(false);
      }
    } finally {
      await batching.stop();
      await batchDatabase.drop();
    }
  });

  it('is never longer than the shortest data lifetime, and off with 0', async () => {
    const { loadConfig } = await import('../src/config.js');
    expect(loadConfig({}).responseCacheMs).toBe(30_000);
    expect(loadConfig({ CACHE_TTL_BALANCE_SECONDS: '2' }).responseCacheMs).toBe(2_000);
    expect(loadConfig({ GATEWAY_RESPONSE_CACHE_SECONDS: '0' }).responseCacheMs).toBe(0);
  });
});

describe.skipIf(!usingPostgres)('the response cache of two instances on one Postgres', () => {
  let instances: TwoInstances;
  let sandbox: TestSandbox;
  let one: TestGateway;
  let two: TestGateway;

  beforeAll(async () => {
    instances = await startTwoInstances('response_cache_two', { LEAN_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET, GATEWAY_API_KEYS: `${KEY_A},${KEY_B}`, GATEWAY_RESPONSE_CACHE_SECONDS: '30' });
    ({ sandbox, first: one, second: two } = instances);
  });
  afterAll(async () => {
    await instances?.stop();
  });

  /** A customer with a bank linked at Lean, read once through the gateway: its first account's balance is stored. */
  const linkedAccount = async (appUserId: string): Promise<{ entityId: string; accountId: string }> => {
    const customer = await createCustomer(one, appUserId, { token: KEY_A });
    const connected = await sandbox.control<{ id: string }>('POST', '/sandbox/connect', {
      customer_id: customer.leanCustomerId,
      bank_identifier: 'LEANMB1',
      permissions: ['identity', 'accounts', 'balance', 'transactions'],
    });
    expect(connected.status).toBe(201);
    const accountId = sandbox.sandbox.state.accountsOf(connected.body.id)[0]?.account_id ?? '';
    const overview = `{ customer(id: "${customer.id}") { entities { accounts { ... on AccountList { accounts { balance { __typename } } } } } } }`;
    expect((await postGraphQL(one.url, overview, { token: KEY_A })).body.errors).toBeUndefined();
    return { entityId: connected.body.id, accountId };
  };
  const hit = async (on: TestGateway, accountId: string) => {
    const answer = await postGraphQL(on.url, BALANCE, { token: KEY_A, variables: { id: globalId('Account', accountId) } });
    expect(dataAt(answer, 'node.balance.amount'), JSON.stringify(answer.body)).toBeDefined();
    return answer.headers.get('x-response-cache') === 'hit';
  };
  /** Polls until the instance no longer answers from a kept answer (the change reaches it through the event log). */
  const forgotten = async (on: TestGateway, accountId: string) => {
    const started = Date.now();
    while (await hit(on, accountId)) {
      if (Date.now() - started > 3_000) throw new Error('the instance kept its answer after the change');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it("an event or a mutation for one customer forgets that customer's kept answers on both instances, and leaves another customer's in place", async () => {
    const a = await linkedAccount('two-instances-a');
    const b = await linkedAccount('two-instances-b');
    for (const on of [one, two]) {
      for (const account of [a.accountId, b.accountId]) {
        await hit(on, account);
        expect(await hit(on, account)).toBe(true);
      }
    }
    // A webhook re-reads the second customer's entity (entity.updated → dataChanged for that customer).
    const eventId = randomUUID();
    const body = JSON.stringify({ type: 'entity.updated', payload: { id: b.entityId }, message: 'entity updated', timestamp: new Date().toISOString(), event_id: eventId });
    expect((await postWebhook(one.url, body)).status).toBe(200);
    for (const on of [one, two]) {
      await forgotten(on, b.accountId);
      expect(await hit(on, a.accountId)).toBe(true);
    }
    // A mutation on the first instance for the first customer: forgotten there at once, on the second soon after.
    expect(await hit(one, b.accountId)).toBe(true);
    const refreshed = await postGraphQL(one.url, REFRESH_ACCOUNT, { token: KEY_B, variables: { id: globalId('Account', a.accountId) } });
    expect(refreshed.body.errors, JSON.stringify(refreshed.body)).toBeUndefined();
    expect(await hit(one, a.accountId)).toBe(false);
    expect(await hit(one, b.accountId)).toBe(true);
    await forgotten(two, a.accountId);
    expect(await hit(two, b.accountId)).toBe(true);
  });
});
