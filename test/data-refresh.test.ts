import { print } from 'graphql';
import { CustomerOverviewDocument } from './gql/graphql.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { createCustomer, dataAt, globalId, leanCalls, linkBank, refreshApplied, resetLeanCalls, sandboxControl, webhooksApplied } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { postGraphQL } from './kit/graphql.js';
import { eventually } from './kit/sandbox.js';
import { subscribe } from './kit/subscriptions.js';
import { postWebhook, TEST_WEBHOOK_SECRET } from './kit/webhooks.js';

// The example operation as codegen printed it: with exactly the fragments it uses.
const OVERVIEW = print(CustomerOverviewDocument);

const LINKED_THEN_REFRESHED = /* GraphQL */ `
  subscription ($customerId: ID!) {
    entityLinked(customerId: $customerId) { leanEntityId }
  }
`;
const DATA_REFRESHED = /* GraphQL */ `
  subscription ($customerId: ID!) {
    dataRefreshed(customerId: $customerId) {
      entity { leanEntityId status }
      refreshId
      status
      leanStatus
      datasets {
        accounts
        identity
        reported { dataset status code }
        accountData {
          leanAccountId
          account { leanAccountId }
          balance
          transactions
          identity
          beneficiaries
          directDebits
          standingOrders
          scheduledPayments
          transactionsFrom
          transactionsTo
          transactionsCompleteMonths
        }
      }
    }
  }
`;

interface Refreshed {
  dataRefreshed: {
    entity: { leanEntityId: string; status: string };
    refreshId: string | null;
    status: string;
    leanStatus: string;
    datasets: {
      accounts: string | null;
      identity: string | null;
      accountData: { leanAccountId: string; account: { leanAccountId: string } | null; balance: string | null; transactions: string | null; beneficiaries: string | null }[];
    } | null;
  };
}

for (const version of ['v2', 'v1'] as const) {
  describe(`the data-store workflow under ${version}: link, refresh, a warm store`, () => {
    let database: TestDatabase;
    let gateway: TestGateway;

    beforeAll(async () => {
      database = await createTestDatabase(`data_refresh_${version}`);
      gateway = await startTestGateway({ ...database.env, LEAN_SANDBOX_REFRESH_WEBHOOKS: 'true', LEAN_API_VERSION: version });
    });
    afterAll(async () => {
      await gateway?.stop();
      await database?.drop();
    });

    it('entityLinked, then dataRefreshed with each dataset; the overview right after costs no Lean call', async () => {
      const customer = await createCustomer(gateway, `refresh-${version}`);
      const order: string[] = [];
      const linked = subscribe<{ entityLinked: { leanEntityId: string } }>(gateway.url, LINKED_THEN_REFRESHED, { variables: { customerId: customer.id } });
      const refreshed = subscribe<Refreshed>(gateway.url, DATA_REFRESHED, { variables: { customerId: customer.id } });
      await Promise.all([linked.ready, refreshed.ready]);
      void linked.next().then(() => order.push('entityLinked'));
      void refreshed.next().then(() => order.push('dataRefreshed'));

      const entity = await linkBank(gateway, customer.leanCustomerId, 'LEA1_SAMAOB_SAU', ['identity', 'accounts', 'balance', 'transactions', 'beneficiaries']);
      const event = await refreshed.next(1);
      await eventually(() => order.length === 2);
      expect(order).toEqual(['entityLinked', 'dataRefreshed']);
      expect(event.dataRefreshed).toMatchObject({ entity: { leanEntityId: entity.id, status: 'ACTIVE' }, status: 'FINISHED', leanStatus: 'FINISHED' });
      expect(event.dataRefreshed.datasets?.accounts).toBe('OK');
      expect(event.dataRefreshed.datasets?.identity).toBe('OK');
      expect(event.dataRefreshed.datasets?.accountData.map((a) => a.leanAccountId).sort()).toEqual([...entity.accountIds].sort());
      for (const account of event.dataRefreshed.datasets?.accountData ?? []) {
        expect(account).toMatchObject({ account: { leanAccountId: account.leanAccountId }, balance: 'OK', transactions: 'OK', beneficiaries: 'OK' });
      }
      await Promise.all([linked.close(), refreshed.close()]);

      await resetLeanCalls(gateway);
      const overview = await postGraphQL(gateway.url, OVERVIEW, { variables: { customerId: customer.id } });
      expect(overview.body.errors, JSON.stringify(overview.body.errors)).toBeUndefined();
      expect(dataAt(overview, 'customer.entities.0.accounts.__typename')).toBe('AccountList');
      expect((await leanCalls(gateway)).total).toBe(0);
    });
  });
}

const LATEST = /* GraphQL */ `
  query ($id: ID!) {
    node(id: $id) {
      ... on Entity {
        status
        refreshedAt
        latestRefresh {
          refreshId
          status
          leanStatus
          updatedAt
          datasets {
            accounts
            identity
            reported { dataset status code }
            accountData { leanAccountId balance transactions beneficiaries reported { dataset status code } }
          }
        }
      }
    }
  }
`;

const REQUEST = /* GraphQL */ `
  mutation ($e: ID!) {
    requestDataRefresh(entityId: $e) {
      __typename
      ... on DataRefreshRequested { refreshId entity { leanEntityId latestRefresh { refreshId status leanStatus } } }
      ... on DataRefreshAlreadyPending { entity { leanEntityId latestRefresh { refreshId status } } }
      ... on DataRefreshUnavailable { entity { leanEntityId } }
      ... on ConsentExpired { entityId message }
    }
  }
`;

/** Every Lean call, by endpoint template, that one fresh gateway's emulator counted. */
const TEMPLATES = {
  v2: {
    entities: 'GET /customers/v1/{customer_id}/entities',
    entity: 'GET /customers/v1/{customer_id}/entities/{entity_id}',
    accounts: 'GET /data/v2/accounts',
    identity: 'GET /data/v2/identity',
    balance: 'GET /data/v2/accounts/{account_id}/balances',
    transactions: 'GET /data/v2/accounts/{account_id}/transactions',
    refreshes: 'POST /data/v2/refreshes',
  },
  v1: {
    entities: 'GET /customers/v1/{customer_id}/entities',
    entity: 'GET /customers/v1/{customer_id}/entities/{entity_id}',
    accounts: 'POST /data/v1/accounts',
    identity: 'POST /data/v1/identity',
    balance: 'POST /v1/balance',
    transactions: 'POST /v1/transactions',
    refreshes: 'POST /data/v2/refreshes',
  },
} as const;

for (const version of ['v2', 'v1'] as const) {
  describe(`what a finished refresh reads under ${version}`, () => {
    let database: TestDatabase;
    let gateway: TestGateway;
    const calls = TEMPLATES[version];

    beforeAll(async () => {
      database = await createTestDatabase(`data_refresh_reads_${version}`);
      gateway = await startTestGateway({ ...database.env, LEAN_SANDBOX_REFRESH_WEBHOOKS: 'true', LEAN_API_VERSION: version });
    });
    afterAll(async () => {
      await gateway?.stop();
      await database?.drop();
    });

    it('each kind once, through the kind modules: the entity list, the accounts, the identity, each balance and the default transaction days', async () => {
      const customer = await createCustomer(gateway, `reads-${version}`);
      await resetLeanCalls(gateway);
      const entity = await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
      const accounts = entity.accountIds.length;
      expect(accounts).toBeGreaterThan(1);
      expect((await leanCalls(gateway)).calls).toEqual({
        // entity.created
        [calls.entity]: 1,
        // the refresh
        [calls.entities]: 1,
        [calls.accounts]: 1,
        [calls.identity]: 1,
        [calls.balance]: accounts,
        [calls.transactions]: accounts,
      });
      // The days read are the ones the default `transactions` (no from/to) shows: the 30 ending today.
      const ranges = await gateway.database.db
        .selectFrom('transaction_ranges')
        .select(['account_id', 'start_date', 'end_date'])
        .where('account_id', 'in', entity.accountIds)
        .orderBy('start_date')
        .execute();
      const today = new Date().toISOString().slice(0, 10);
      const first = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
      for (const accountId of entity.accountIds) {
        // Recorded as the days settled for good, then the recent ones that expire.
        const read = ranges.filter((range) => range.account_id === accountId);
        expect([read[0]?.start_date, read.at(-1)?.end_date]).toEqual([first, today]);
      }

      const row = await gateway.database.db
        .selectFrom('entities')
        .select(['refresh_status', 'refresh_id', 'refreshed_at', 'refresh_updated_at', 'refresh_data_status'])
        .where('id', '=', entity.id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ refresh_status: 'OK', refresh_id: expect.any(String) as unknown });
      expect(row.refreshed_at?.getTime()).toBe(row.refresh_updated_at?.getTime());
      expect(row.refresh_data_status?.account_data.map((a) => a.datasets['balance'])).toEqual(entity.accountIds.map(() => 'OK'));

      const latest = await postGraphQL(gateway.url, LATEST, { variables: { id: globalId('Entity', entity.id) } });
      expect(latest.body.errors).toBeUndefined();
      expect(dataAt(latest, 'node.latestRefresh')).toMatchObject({ refreshId: row.refresh_id, status: 'FINISHED', leanStatus: 'OK', datasets: { accounts: 'OK', identity: 'OK' } });
      expect(dataAt(latest, 'node.refreshedAt')).toBe(row.refreshed_at?.toISOString());
      // The UAE offers none of the KSA datasets.
      expect(dataAt(latest, 'node.latestRefresh.datasets.accountData.0.beneficiaries')).toBe('UNSUPPORTED');
    });

    it('a cold overview (nothing read yet) costs one call per list page, and 20 at once cost the calls of one', async () => {
      const customer = await createCustomer(gateway, `cold-${version}`);
      const entity = await linkBank(gateway, customer.leanCustomerId, 'LEANMB2');
      // Cold again: what the refresh read is made to expire, as the freshness windows would.
      await gateway.database.db.updateTable('entities').set({ accounts_fetched_at: null }).where('id', '=', entity.id).execute();
      await gateway.database.db.updateTable('customers').set({ entities_fetched_at: null }).where('id', '=', customer.leanCustomerId).execute();
      await gateway.database.db.updateTable('balances').set({ fetched_at: new Date(0) }).where('account_id', 'in', entity.accountIds).execute();
      await gateway.database.db.deleteFrom('transaction_ranges').where('account_id', 'in', entity.accountIds).execute();
      await resetLeanCalls(gateway);
      const answers = await Promise.all(Array.from({ length: 20 }, () => postGraphQL(gateway.url, OVERVIEW, { variables: { customerId: customer.id } })));
      for (const answer of answers) {
        expect(answer.body.errors).toBeUndefined();
        expect(answer.body).toEqual(answers[0]?.body);
      }
      const accounts = entity.accountIds.length;
      expect((await leanCalls(gateway)).calls).toEqual({ [calls.entities]: 1, [calls.accounts]: 1, [calls.balance]: accounts, [calls.transactions]: accounts });
    });

    it.runIf(version === 'v2')('a whole run asks the auth server for one token', () => {
      expect(gateway.lean.calls.count('POST /oauth2/token')).toBe(1);
    });

    it.runIf(version === 'v1')('requestDataRefresh answers DataRefreshUnavailable: v1 has no such call, and Lean is not asked', async () => {
      const customer = await createCustomer(gateway, 'v1-request');
      const entity = await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
      await resetLeanCalls(gateway);
      const answer = await postGraphQL(gateway.url, REQUEST, { variables: { e: globalId('Entity', entity.id) } });
      expect(answer.body).toEqual({ data: { requestDataRefresh: { __typename: 'DataRefreshUnavailable', entity: { leanEntityId: entity.id } } } });
      expect((await leanCalls(gateway)).total).toBe(0);
    });
  });
}

describe('asking Lean to read the bank again (v2)', () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase('data_refresh_request');
    // Long enough for a second request to find the first one pending.
    gateway = await startTestGateway({ ...database.env, LEAN_SANDBOX_REFRESH_WEBHOOKS: 'true', LEAN_SANDBOX_REFRESH_DELAY_MS: '1500' });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('requestDataRefresh calls POST /data/v2/refreshes once; a second while pending answers DataRefreshAlreadyPending; dataRefreshed follows', async () => {
    const customer = await createCustomer(gateway, 'request-refresh');
    const entity = await linkBank(gateway, customer.leanCustomerId, 'LEA2_SAMAOB_SAU');
    const refreshed = subscribe<Refreshed>(gateway.url, DATA_REFRESHED, { variables: { customerId: customer.id } });
    await refreshed.ready;
    await resetLeanCalls(gateway);

    const first = await postGraphQL(gateway.url, REQUEST, { variables: { e: globalId('Entity', entity.id) } });
    expect(first.body.errors).toBeUndefined();
    const requested = dataAt(first, 'requestDataRefresh') as { __typename: string; refreshId: string; entity: { latestRefresh: unknown } };
    expect(requested).toMatchObject({ __typename: 'DataRefreshRequested', refreshId: expect.any(String) as unknown });
    expect(requested.entity.latestRefresh).toEqual({ refreshId: requested.refreshId, status: 'PENDING', leanStatus: 'PENDING' });
    expect((await leanCalls(gateway)).calls).toEqual({ 'POST /data/v2/refreshes': 1 });

    const second = await postGraphQL(gateway.url, REQUEST, { variables: { e: globalId('Entity', entity.id) } });
    expect(second.body).toEqual({
      data: { requestDataRefresh: { __typename: 'DataRefreshAlreadyPending', entity: { leanEntityId: entity.id, latestRefresh: { refreshId: requested.refreshId, status: 'PENDING' } } } },
    });
    // Lean's 429 DUPLICATED_REQUEST is an answer, not a rate limit to retry.
    expect((await leanCalls(gateway)).calls).toEqual({ 'POST /data/v2/refreshes': 2 });

    const event = await refreshed.next(1);
    expect(event.dataRefreshed).toMatchObject({ refreshId: requested.refreshId, status: 'FINISHED', leanStatus: 'FINISHED', datasets: { accounts: 'OK' } });
    await refreshed.close();
    const latest = await postGraphQL(gateway.url, LATEST, { variables: { id: globalId('Entity', entity.id) } });
    expect(dataAt(latest, 'node.latestRefresh')).toMatchObject({ refreshId: requested.refreshId, status: 'FINISHED' });
  });

  it('refreshEntity keeps its answer (the entity, read from Lean now) and also asks Lean for a refresh, shown in latestRefresh', async () => {
    const customer = await createCustomer(gateway, 'refresh-entity');
    const entity = await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
    await resetLeanCalls(gateway);
    const answer = await postGraphQL(gateway.url, 'mutation ($e: ID!) { refreshEntity(entityId: $e) { leanEntityId status latestRefresh { refreshId status } } }', {
      variables: { e: globalId('Entity', entity.id) },
    });
    expect(answer.body.errors).toBeUndefined();
    expect(dataAt(answer, 'refreshEntity')).toMatchObject({ leanEntityId: entity.id, status: 'ACTIVE', latestRefresh: { refreshId: expect.any(String) as unknown, status: 'PENDING' } });
    expect((await leanCalls(gateway)).calls).toEqual({ 'GET /customers/v1/{customer_id}/entities/{entity_id}': 1, 'POST /data/v2/refreshes': 1 });
    await refreshApplied(gateway, entity.id, { count: 2 });
  });

  it('a consent that ended answers ConsentExpired (Lean 403 CONSENT_EXPIRED); a disconnected entity ENTITY_DISCONNECTED, without asking Lean', async () => {
    const customer = await createCustomer(gateway, 'consent-ended');
    const entity = await linkBank(gateway, customer.leanCustomerId, 'LEA1_SAMAOB_SAU');
    expect((await sandboxControl(gateway, 'POST', `/sandbox/entities/${entity.id}/revoke-consent`)).status).toBe(200);
    const expired = await postGraphQL(gateway.url, REQUEST, { variables: { e: globalId('Entity', entity.id) } });
    expect(expired.body).toEqual({ data: { requestDataRefresh: { __typename: 'ConsentExpired', entityId: globalId('Entity', entity.id), message: expect.any(String) as unknown } } });

    const other = await linkBank(gateway, customer.leanCustomerId, 'LEANMB2');
    await postGraphQL(gateway.url, 'mutation ($e: ID!) { disconnectEntity(entityId: $e) { status } }', { variables: { e: globalId('Entity', other.id) } });
    await resetLeanCalls(gateway);
    const disconnected = await postGraphQL(gateway.url, REQUEST, { variables: { e: globalId('Entity', other.id) } });
    expect(disconnected.body.errors?.map((error) => error.extensions?.code)).toEqual(['ENTITY_DISCONNECTED']);
    expect((await leanCalls(gateway)).total).toBe(0);
  });
});

describe('refresh webhooks as Lean may deliver them: out of order, twice, partly failed, unknown', () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase('data_refresh_order');
    gateway = await startTestGateway({ ...database.env, LEAN_SANDBOX_REFRESH_WEBHOOKS: 'true', LEAN_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  let sent = 0;
  /** Posts a signed entity.data.refresh.updated and waits until the gateway applied it; answers its inbox row. */
  async function deliver(payload: Record<string, unknown>, timestamp: Date): Promise<{ status: string; last_error: string | null }> {
    const eventId = `evt-refresh-${++sent}-${Date.now()}`;
    const body = JSON.stringify({ type: 'entity.data.refresh.updated', payload, message: 'An entity data refresh state has been updated.', timestamp: timestamp.toISOString(), event_id: eventId });
    expect((await postWebhook(gateway.url, body)).status).toBe(200);
    await webhooksApplied(gateway, (row) => row.body.includes(eventId));
    return gateway.database.db.selectFrom('webhook_inbox').select(['status', 'last_error']).where('event_key', '=', eventId).executeTakeFirstOrThrow();
  }
  const latestOf = async (entityId: string) => dataAt(await postGraphQL(gateway.url, LATEST, { variables: { id: globalId('Entity', entityId) } }), 'node') as Record<string, unknown>;

  it('PENDING marks the refresh pending; a finished one reads only what Lean read; late, repeated and older states change nothing; a new status is kept as sent', async () => {
    const customer = await createCustomer(gateway, 'refresh-order');
    const entity = await linkBank(gateway, customer.leanCustomerId, 'LEANMB2');
    const [failedAccount = '', ...okAccounts] = entity.accountIds;
    expect(okAccounts.length).toBeGreaterThan(0);
    const refreshed = subscribe<Refreshed>(gateway.url, DATA_REFRESHED, { variables: { customerId: customer.id } });
    await refreshed.ready;
    const base = Date.now();
    const at = (seconds: number) => new Date(base + seconds * 1_000);
    const refreshId = '5f0e1c2a-0000-4000-8000-00000000a001';
    const payload = (status: string, id = refreshId) => ({
      entity_id: entity.id,
      customer_id: customer.leanCustomerId,
      refresh_id: id,
      status,
      data_status: {
        accounts: 'OK',
        identity: 'FAILED',
        account_data: [
          { account_id: failedAccount, balance: 'FAILED', transactions: 'UNSUPPORTED', beneficiaries: 'SOMETHING_NEW', transaction_availability: { start: '2025-07-01', end: '2026-05-12', complete_months: 10 } },
          ...okAccounts.map((accountId) => ({ account_id: accountId, balance: 'OK', identity: 'OK', transactions: 'OK', beneficiaries: 'UNSUPPORTED' })),
        ],
      },
    });
    const balanceRead = async (accountId: string) =>
      (await gateway.database.db.selectFrom('balances').select('fetched_at').where('account_id', '=', accountId).executeTakeFirstOrThrow()).fetched_at.getTime();
    const failedBalanceBefore = await balanceRead(failedAccount);
    await resetLeanCalls(gateway);

    expect(await deliver(payload('PENDING'), at(30))).toEqual({ status: 'APPLIED', last_error: null });
    expect(await latestOf(entity.id)).toMatchObject({ latestRefresh: { refreshId, status: 'PENDING', leanStatus: 'PENDING', updatedAt: at(30).toISOString() } });
    expect((await leanCalls(gateway)).total).toBe(0);

    const finished = await deliver(payload('OK'), at(60));
    expect(finished.status).toBe('APPLIED');
    expect(finished.last_error).toContain('identity: FAILED');
    expect((await leanCalls(gateway)).calls).toEqual({
      'GET /customers/v1/{customer_id}/entities': 1,
      'GET /data/v2/accounts': 1,
      'GET /data/v2/accounts/{account_id}/balances': okAccounts.length,
      'GET /data/v2/accounts/{account_id}/transactions': okAccounts.length,
    });
    // What Lean could not read keeps the copy read before.
    expect(await balanceRead(failedAccount)).toBe(failedBalanceBefore);
    expect(await balanceRead(okAccounts[0] ?? '')).toBeGreaterThan(failedBalanceBefore);
    const latest = await latestOf(entity.id);
    expect(latest).toMatchObject({ refreshedAt: at(60).toISOString(), latestRefresh: { refreshId, status: 'FINISHED', leanStatus: 'OK', datasets: { accounts: 'OK', identity: 'FAILED' } } });
    const failedDatasets = (latest['latestRefresh'] as { datasets: { accountData: { leanAccountId: string; balance: string; transactions: string; beneficiaries: string; reported: unknown[] }[] } }).datasets.accountData[0];
    expect(failedDatasets).toMatchObject({ leanAccountId: failedAccount, balance: 'FAILED', transactions: 'UNSUPPORTED', beneficiaries: 'OTHER' });
    expect(failedDatasets?.reported).toContainEqual({ dataset: 'beneficiaries', status: 'OTHER', code: 'SOMETHING_NEW' });
    await resetLeanCalls(gateway);

    expect(await deliver(payload('OK'), at(60))).toEqual({ status: 'IGNORED', last_error: 'this state of the refresh is recorded already' });
    expect(await deliver(payload('PENDING'), at(90))).toEqual({ status: 'IGNORED', last_error: 'older than the refresh state recorded' });
    expect(await deliver(payload('FINISHED', '5f0e1c2a-0000-4000-8000-00000000a000'), at(10))).toEqual({ status: 'IGNORED', last_error: 'older than the refresh state recorded' });
    expect((await leanCalls(gateway)).total).toBe(0);
    expect(await latestOf(entity.id)).toMatchObject({ refreshedAt: at(60).toISOString(), latestRefresh: { refreshId, status: 'FINISHED' } });

    const next = '5f0e1c2a-0000-4000-8000-00000000a002';
    expect(await deliver({ ...payload('CANCELLED', next), data_status: undefined }, at(120))).toEqual({ status: 'APPLIED', last_error: null });
    expect(await latestOf(entity.id)).toMatchObject({ refreshedAt: at(60).toISOString(), latestRefresh: { refreshId: next, status: 'OTHER', leanStatus: 'CANCELLED', datasets: null } });
    expect((await leanCalls(gateway)).total).toBe(0);

    // The one finished refresh was told once (delivery waits for older transactions anywhere on the server: wait for it, then a while longer for any second).
    await refreshed.next(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(refreshed.received.map((event) => [event.dataRefreshed.refreshId, event.dataRefreshed.leanStatus])).toEqual([[refreshId, 'OK']]);
    await refreshed.close();
  });

  it('a read of the refresh that meets PENDING or RECONNECT_REQUIRED is handled as the read path would: remembered for results.ready, the entity marked', async () => {
    const customer = await createCustomer(gateway, 'refresh-async');
    // LEANMB3_ASYNC answers transactions PENDING: the link's refresh remembers each request.
    const slow = await linkBank(gateway, customer.leanCustomerId, 'LEANMB3_ASYNC');
    const pending = await gateway.database.db
      .selectFrom('pending_results')
      .select(['results_id', 'kind', 'status', 'account_id', 'start_date', 'end_date'])
      .where('entity_id', '=', slow.id)
      .execute();
    const first = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
    expect(pending.map((row) => [row.kind, row.account_id, row.start_date])).toEqual(
      expect.arrayContaining(slow.accountIds.map((accountId) => ['transactions', accountId, first])) as unknown,
    );
    // The default transactions query asks for those days: the same pending answer, without asking Lean again.
    await resetLeanCalls(gateway);
    const page = await postGraphQL(gateway.url, 'query ($id: ID!) { node(id: $id) { ... on Account { transactions(first: 5) { __typename ... on ResultsPending { resultsId } } } } }', {
      variables: { id: globalId('Account', slow.accountIds[0] ?? '') },
    });
    const answered = dataAt(page, 'node.transactions') as { __typename: string; resultsId?: string };
    expect(answered.__typename).toBe('ResultsPending');
    expect(pending.map((row) => row.results_id)).toContain(answered.resultsId);
    expect((await leanCalls(gateway)).total).toBe(0);

    // LEANMB4_OTP after its session ended: the refresh's first read meets RECONNECT_REQUIRED and reads nothing more.
    const otp = await linkBank(gateway, customer.leanCustomerId, 'LEANMB4_OTP');
    expect((await sandboxControl(gateway, 'POST', `/sandbox/entities/${otp.id}/expire-session`)).status).toBe(200);
    await resetLeanCalls(gateway);
    const finished = { entity_id: otp.id, customer_id: customer.leanCustomerId, refresh_id: '5f0e1c2a-0000-4000-8000-00000000c001', status: 'OK', data_status: { accounts: 'OK', identity: 'OK', account_data: [] } };
    expect((await deliver(finished, new Date(Date.now() + 60_000))).status).toBe('APPLIED');
    expect((await leanCalls(gateway)).calls).toEqual({ 'GET /customers/v1/{customer_id}/entities': 1, 'GET /data/v2/accounts': 1 });
    const marked = await postGraphQL(gateway.url, 'query ($id: ID!) { node(id: $id) { ... on Entity { status reconnectId } } }', { variables: { id: globalId('Entity', otp.id) } });
    expect(dataAt(marked, 'node')).toMatchObject({ status: 'RECONNECT_REQUIRED', reconnectId: expect.any(String) as unknown });
    const waiting = await gateway.database.db.selectFrom('pending_results').select(['kind', 'status']).where('entity_id', '=', otp.id).execute();
    expect(waiting).toEqual([{ kind: 'accounts', status: 'RECONNECT_REQUIRED' }]);
  });

  it('a finished refresh of an entity unknown here, or disconnected, is IGNORED with a note and reads nothing', async () => {
    const customer = await createCustomer(gateway, 'refresh-unknown');
    const gone = await linkBank(gateway, customer.leanCustomerId, 'LEANMB2');
    await postGraphQL(gateway.url, 'mutation ($e: ID!) { disconnectEntity(entityId: $e) { status } }', { variables: { e: globalId('Entity', gone.id) } });
    // The test before left Lean answers pending (LEANMB3_ASYNC); their results.ready fetches are not this test's calls.
    const stillPending = async () => (await gateway.database.db.selectFrom('pending_results').select('results_id').where('status', '=', 'PENDING').execute()).length;
    await eventually(async () => (await stillPending()) === 0, 15_000);
    await resetLeanCalls(gateway);
    const finished = (entityId: string) => ({ entity_id: entityId, customer_id: customer.leanCustomerId, refresh_id: '5f0e1c2a-0000-4000-8000-00000000b001', status: 'FINISHED' });
    expect(await deliver(finished('00000000-0000-4000-8000-000000000000'), new Date())).toEqual({ status: 'IGNORED', last_error: 'no such entity here' });
    expect(await deliver(finished(gone.id), new Date())).toEqual({ status: 'IGNORED', last_error: 'the entity is disconnected' });
    expect((await leanCalls(gateway)).calls).toEqual({});
  });
});
