import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, usingPostgres, type TestDatabase } from './kit/database.js';
import { createCustomer, dataAt, globalId, linkBank, webhooksApplied, type LinkedEntity } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { errorCodes, postGraphQL } from './kit/graphql.js';
import { postWebhook, TEST_WEBHOOK_SECRET } from './kit/webhooks.js';

const KEY_A = 'response-cache-service-key-a-0123456789abcdef';
const KEY_B = 'response-cache-service-key-b-0123456789abcdef';
const BALANCE = 'query ($id: ID!) { node(id: $id) { ... on Account { balance { ... on Balance { amount } } } } }';

describe('the response cache (GATEWAY_RESPONSE_CACHE_SECONDS)', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let entity: LinkedEntity;
  let accountId: string;

  const amountAs = async (key: string): Promise<unknown> => {
    const answer = await postGraphQL(gateway.url, BALANCE, { token: key, variables: { id: globalId('Account', accountId) } });
    expect(answer.body.errors, JSON.stringify(answer.body)).toBeUndefined();
    expect(dataAt(answer, 'node.balance.amount'), JSON.stringify(answer.body)).toBeDefined();
    return dataAt(answer, 'node.balance.amount');
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

  it('forgets every answer on a mutation', async () => {
    await storeAmount('300.00');
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(await amountAs(KEY_A)).toBe('300.00');
    await storeAmount('310.00');
    expect(await amountAs(KEY_A)).toBe('300.00');
    await createCustomer(gateway, 'another-cache-user', { token: KEY_B });
    expect(await amountAs(KEY_A)).toBe('310.00');
  });

  it('forgets every answer when a webhook changes stored data (entity.updated → dataChanged)', async () => {
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

  it.skipIf(!usingPostgres)('forgets on every instance when a mutation ran on one (Postgres)', async () => {
    const other = await startTestGateway({ ...database.env, GATEWAY_API_KEYS: `${KEY_A},${KEY_B}`, GATEWAY_RESPONSE_CACHE_SECONDS: '30' });
    try {
      const amountThere = async () => {
        const answer = await postGraphQL(other.url, BALANCE, { token: KEY_A, variables: { id: globalId('Account', accountId) } });
        return { amount: dataAt(answer, 'node.balance.amount'), hit: answer.headers.get('x-response-cache') === 'hit' };
      };
      await storeAmount('600.00');
      expect(await amountThere()).toEqual({ amount: '600.00', hit: false });
      await storeAmount('610.00');
      expect(await amountThere()).toEqual({ amount: '600.00', hit: true });
      await createCustomer(gateway, 'yet-another-cache-user', { token: KEY_B }); // on the first instance
      const started = Date.now();
      while ((await amountThere()).amount !== '610.00') {
        if (Date.now() - started > 1_500) throw new Error('the other instance kept its answer after a mutation');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await other.stop();
    }
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
