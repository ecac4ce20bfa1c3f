import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { getOperationAST, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccountDetailsDocument,
  AccountTransactionsDocument,
  BanksDocument,
  CreateCustomerDocument,
  CustomerOverviewDocument,
  DataRefreshedDocument,
  DisconnectEntityDocument,
  MyCustomerDocument,
  PrepareLinkDocument,
  RefreshAccountDocument,
  RefreshCustomerDocument,
  RefreshEntityDocument,
  RequestDataRefreshDocument,
  ViewerDocument,
  type CustomerOverviewQuery,
  type DataRefreshedSubscription,
} from './gql/graphql.js';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { leanCalls, refreshApplied, resetLeanCalls, webhooksApplied } from './kit/flows.js';
import { postGraphQL, signEndUserJwt, TEST_AUDIENCE, TEST_ISSUER, type GraphQLResponse } from './kit/graphql.js';
import { LEAN_TEST_VERSION } from './kit/lean-version.js';
import { subscribe } from './kit/subscriptions.js';

/**
 * The example operations of test/operations (codegen's input, and what frontend teams copy) run for
 * real: typed documents from test/gql, printed and POSTed to /graphql of a gateway whose embedded
 * Lean emulator plays the bank.
 */

const API_KEY = 'svc_example_operations_0123456789abcdef';
const JWT_SECRET = 'example-operations-jwt-secret-0123456789';
const APP_USER_ID = 'example-user-0001';
const UAE_PERMISSIONS = ['IDENTITY', 'ACCOUNTS', 'BALANCE', 'TRANSACTIONS'] as const;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

type Answer<TResult> = GraphQLResponse & { readonly data: TResult };

/** Sends a generated document as a front end would, and answers its typed data (failing on errors). */
async function run<TResult, TVariables>(
  gateway: TestGateway,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  token = API_KEY,
): Promise<Answer<TResult>> {
  const response = await postGraphQL(gateway.url, print(document), { token, variables: variables as Record<string, unknown> });
  const name = getOperationAST(document)?.name?.value ?? 'anonymous';
  expect(response.body.errors, `${name}: ${JSON.stringify(response.body.errors)}`).toBeUndefined();
  expect(response.status).toBe(200);
  expect(response.body.data).toBeTruthy();
  return { ...response, data: response.body.data as TResult };
}

/** The story runs against the emulator's v2 face (the default) and, with LEAN_TEST_API_VERSION=v1, its v1 face. */
const V2 = LEAN_TEST_VERSION === 'v2';

type OverviewEntity = NonNullable<NonNullable<CustomerOverviewQuery['customer']>['entities']>[number];
type OverviewAccounts = Extract<OverviewEntity['accounts'], { __typename: 'AccountList' }>['accounts'];

describe('the example operations, end to end', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let sandboxUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase('example_operations');
    gateway = await startTestGateway({
      ...database.env,
      LEAN_SANDBOX_REFRESH_WEBHOOKS: 'true',
      GATEWAY_API_KEYS: API_KEY,
      GATEWAY_JWT_SECRET: JWT_SECRET,
      GATEWAY_JWT_ISSUER: TEST_ISSUER,
      GATEWAY_JWT_AUDIENCE: TEST_AUDIENCE,
      // Lean's reads of the bank take a second: a second RequestDataRefresh finds the first pending.
      LEAN_SANDBOX_REFRESH_DELAY_MS: '1000',
    });
    if (gateway.sandbox === undefined) throw new Error('the test gateway runs without its embedded Lean emulator');
    sandboxUrl = gateway.sandbox.url;
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  // Filled in by the story as it goes; each step relies on the ones before it.
  let customerId: string;
  let leanCustomerId: string;
  let entity: OverviewEntity;
  let accounts: OverviewAccounts;

  it('Viewer: the API key runs as a service', async () => {
    const { data } = await run(gateway, ViewerDocument, {});
    expect(data.viewer).toEqual({ kind: 'SERVICE', appUserId: null });
  });

  it('Banks: the UAE banks of the picker, with their account types and availability; asked again, no Lean call', async () => {
    const { data } = await run(gateway, BanksDocument, { region: 'UAE' });
    expect(data.banks.map((bank) => bank.identifier)).toEqual(['LEANMB1', 'LEANMB2', 'LEANMB3_ASYNC', 'LEANMB4_OTP']);
    expect(data.banks[0]).toEqual({
      identifier: 'LEANMB1',
      name: 'Lean Mock Bank',
      logo: 'https://cdn.leantech.me/img/banks/white-lean.png',
      mainColor: '#1beb75',
      backgroundColor: '#001E26',
      region: 'UAE',
      accountTypes: ['PERSONAL', 'BUSINESS'],
      availability: { data: true, payments: true },
    });
    await resetLeanCalls(gateway);
    await run(gateway, BanksDocument, { region: 'UAE' });
    expect((await leanCalls(gateway)).calls['GET /banks/v1']).toBeUndefined();
  });

  it('CreateCustomer: creates the customer, and the same one again on a second call', async () => {
    const { data } = await run(gateway, CreateCustomerDocument, { appUserId: APP_USER_ID });
    expect(data.createCustomer.appUserId).toBe(APP_USER_ID);
    expect(data.createCustomer.leanCustomerId).toMatch(/^[0-9a-f-]{36}$/);
    expect(data.createCustomer.createdAt).toMatch(ISO_INSTANT);
    customerId = data.createCustomer.id;
    leanCustomerId = data.createCustomer.leanCustomerId;

    const again = await run(gateway, CreateCustomerDocument, { appUserId: APP_USER_ID });
    expect(again.data.createCustomer).toEqual(data.createCustomer);
  });

  it('PrepareLink: returns the options for Lean.connect; DataRefreshed tells when Lean has read the bank', async () => {
    const { data } = await run(gateway, PrepareLinkDocument, {
      customerId,
      bankIdentifier: 'LEANMB1',
      permissions: [...UAE_PERMISSIONS],
    });
    const link = data.prepareLink;
    expect(link).toMatchObject({
      consentKind: 'OPEN_ENDED',
      customerId: leanCustomerId,
      bankIdentifier: 'LEANMB1',
      accountType: null,
      accessFrom: null,
      accessTo: null,
      sandbox: true,
    });
    expect([...link.permissions].sort()).toEqual([...UAE_PERMISSIONS].sort());
    expect(link.options).toMatchObject({ customer_id: leanCustomerId, bank_identifier: 'LEANMB1', sandbox: true });
    expect(typeof link.options['app_token']).toBe('string');
    expect(link.options['permissions']).toEqual(expect.arrayContaining(['identity', 'accounts', 'balance', 'transactions']));
    if (V2) {
      // Lean's v2 API: the customer's own short-lived token, for the Link SDK only.
      expect(link.accessToken).toEqual(expect.any(String));
      expect(link.options['access_token']).toBe(link.accessToken);
      expect(Date.parse(link.accessTokenExpiresAt ?? '')).toBeGreaterThan(Date.now());
    } else {
      // v1's Link SDK takes the app token alone.
      expect(link).toMatchObject({ accessToken: null, accessTokenExpiresAt: null });
      expect(link.options['access_token']).toBeUndefined();
    }
    const refreshed = subscribe<DataRefreshedSubscription>(gateway.url, print(DataRefreshedDocument), { variables: { customerId }, token: API_KEY });
    await refreshed.ready;

    // What the Link SDK does once the user finishes Lean.connect(options): the emulator creates the entity.
    const connected = await fetch(`${sandboxUrl}/sandbox/connect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(link.options),
    });
    expect(connected.status).toBe(201);
    // Lean then sends entity.created, which brings the bank's name, logo and colours.
    await webhooksApplied(gateway, (row) => row.type === 'entity.created');
    // Then it reads the bank into its data store; once the gateway read it too, DataRefreshed tells.
    const { dataRefreshed } = await refreshed.next();
    await refreshed.close();
    expect(dataRefreshed).toMatchObject({ status: 'FINISHED', leanStatus: 'OK', datasets: { accounts: 'OK', identity: 'OK' } });
    expect(dataRefreshed.entity).toMatchObject({ status: 'ACTIVE', bank: { identifier: 'LEANMB1' } });
    expect(dataRefreshed.entity.refreshedAt).toMatch(ISO_INSTANT);
    for (const account of dataRefreshed.datasets?.accountData ?? []) expect(account).toMatchObject({ account: { id: expect.any(String) as unknown }, balance: 'OK', transactions: 'OK' });
    await resetLeanCalls(gateway);
  });

  it('CustomerOverview: one ACTIVE entity, its accounts with a Balance and the recent transactions', async () => {
    const { data } = await run(gateway, CustomerOverviewDocument, { customerId });
    const customer = data.customer;
    expect(customer).toMatchObject({ id: customerId, appUserId: APP_USER_ID, leanCustomerId });
    expect(customer?.entities).toHaveLength(1);
    entity = customer!.entities![0]!;
    expect(entity).toMatchObject({ status: 'ACTIVE', reconnectId: null, consents: [] });
    expect(entity.bank).toMatchObject({ identifier: 'LEANMB1', region: 'UAE' });
    // Name, logo and colours arrived with Lean's entity.created webhook.
    expect(entity.bank.name).toBe('Lean Mock Bank');
    // What v2 adds is filled under v2 (tested field by field in lean-v2-fields.test.ts), null under v1.
    expect(entity.bankType).toBe(V2 ? 'RETAIL' : null);
    expect([...entity.permissions].sort()).toEqual([...UAE_PERMISSIONS].sort());
    expect(entity.linkedAt).toMatch(ISO_INSTANT);

    expect(entity.accounts?.__typename).toBe('AccountList');
    if (entity.accounts?.__typename !== 'AccountList') return;
    accounts = entity.accounts.accounts;
    expect(accounts.length).toBeGreaterThanOrEqual(1);
    expect(accounts.length).toBeLessThanOrEqual(3);
    for (const account of accounts) {
      expect(account.currency).toBe('AED');
      expect(account.iban).toMatch(/^AE\d{21}$/);
      if (V2) {
        expect(account.holderName).toMatch(/\S+ \S+/);
        expect(['CURRENT', 'SAVINGS', 'CREDIT']).toContain(account.subType);
        expect(account).toMatchObject({ status: 'ENABLED', nickname: account.name });
      } else {
        expect(account).toMatchObject({ holderName: null, subType: null, status: null, nickname: null });
      }
      expect(account.balance?.__typename).toBe('Balance');
      if (account.balance?.__typename === 'Balance') {
        expect(account.balance.amount).toMatch(DECIMAL);
        expect(account.balance).toMatchObject({ currency: 'AED', stale: false, type: V2 ? 'INTERIM_AVAILABLE' : null });
        expect(account.balance.fetchedAt).toMatch(ISO_INSTANT);
      }
      expect(account.transactions?.__typename).toBe('TransactionConnection');
      if (account.transactions?.__typename !== 'TransactionConnection') continue;
      const { edges } = account.transactions;
      expect(edges.length).toBeLessThanOrEqual(20);
      const since = Date.now() - 31 * 86_400_000;
      for (const { node } of edges) {
        expect(node.amount).toMatch(DECIMAL);
        expect(node.direction).toBe(node.amount.startsWith('-') ? 'DEBIT' : 'CREDIT');
        expect(Date.parse(node.timestamp)).toBeGreaterThanOrEqual(since);
      }
      const times = edges.map(({ node }) => Date.parse(node.timestamp));
      expect(times).toEqual([...times].sort((a, b) => b - a)); // newest first
    }
    const withTransactions = accounts.filter((a) => a.transactions?.__typename === 'TransactionConnection' && a.transactions.edges.length > 0);
    expect(withTransactions.length).toBeGreaterThanOrEqual(1);
    const merchants = withTransactions.flatMap((a) => (a.transactions?.__typename === 'TransactionConnection' ? a.transactions.edges.map(({ node }) => node.merchant?.name) : []));
    if (V2) expect(merchants.some((name) => typeof name === 'string' && name.length > 0)).toBe(true);
    else expect(merchants.every((name) => name === undefined)).toBe(true);
  });

  it('AccountDetails: the account as the bank describes it, and its balance of every balance type', async () => {
    const account = accounts[0]!;
    const { data } = await run(gateway, AccountDetailsDocument, { accountId: account.id });
    if (data.node?.__typename !== 'Account') throw new Error('not an account');
    expect(data.node).toMatchObject({ id: account.id, subType: account.subType, holderName: account.holderName, entity: { id: entity.id, bankType: entity.bankType } });
    if (V2) expect(data.node.openingDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    else expect(data.node.openingDate).toBeNull();
    const balance = data.node.balance;
    if (balance?.__typename !== 'Balance') throw new Error(`no balance: ${JSON.stringify(balance)}`);
    // v2 answers every balance type the bank reports; v1 one balance of no stated type, no breakdown.
    expect(balance.breakdown.map((entry) => entry.type)).toHaveLength(V2 ? 13 : 0);
    if (V2) expect(balance.breakdown.find((entry) => entry.type === balance.type)).toMatchObject({ amount: balance.amount, currency: 'AED' });
    for (const entry of balance.breakdown) {
      expect(entry.amount).toMatch(DECIMAL);
      expect(entry.creditDebit).toBe(entry.amount.startsWith('-') ? 'DEBIT' : 'CREDIT');
      for (const line of entry.creditLines) expect(line.amount).toMatch(DECIMAL);
    }
  });

  it('CustomerOverview right after the refresh asked Lean nothing: the refresh had read it all', async () => {
    expect((await leanCalls(gateway)).total).toBe(0);
  });

  it('AccountTransactions: two pages through `after`, in order and without overlap', async () => {
    const account = accounts[0]!;
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10);
    const page = async (after: string | null) => {
      const { data } = await run(gateway, AccountTransactionsDocument, { accountId: account.id, from, to, first: 5, after });
      expect(data.node?.__typename).toBe('Account');
      if (data.node?.__typename !== 'Account') throw new Error('not an account');
      expect(data.node).toMatchObject({ id: account.id, currency: 'AED' });
      if (data.node.transactions?.__typename !== 'TransactionConnection') throw new Error(`no page: ${JSON.stringify(data.node.transactions)}`);
      return data.node.transactions;
    };

    const first = await page(null);
    expect(first.edges).toHaveLength(5);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(first.pageInfo.endCursor).toBe(first.edges[4]!.cursor);
    const second = await page(first.pageInfo.endCursor);
    expect(second.edges).toHaveLength(5);

    // Each transaction's details from Lean's v2 API, a service seeing the counterparty too; v1 has none of them.
    for (const { node } of [...first.edges, ...second.edges]) {
      if (!V2) {
        expect(node).toMatchObject({ bookingStatus: null, valueDate: null, transactionType: null, charges: null });
        continue;
      }
      expect(node.bookingStatus).toBe(node.pending ? 'PENDING' : 'BOOKED');
      expect(node.valueDate).toMatch(ISO_INSTANT);
      expect(node.transactionType).toMatch(/^[A-Z_]+$/);
      expect(node.charges?.amount).toMatch(DECIMAL);
    }

    const firstIds = first.edges.map((edge) => edge.node.id);
    const secondIds = second.edges.map((edge) => edge.node.id);
    expect(new Set([...firstIds, ...secondIds]).size).toBe(10);
    const times = [...first.edges, ...second.edges].map((edge) => Date.parse(edge.node.timestamp));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const time of times) expect(time).toBeGreaterThanOrEqual(Date.parse(`${from}T00:00:00Z`));

    // The filters narrow the same range: money out only.
    const { data } = await run(gateway, AccountTransactionsDocument, { accountId: account.id, from, to, first: 10, direction: 'DEBIT' });
    if (data.node?.__typename !== 'Account' || data.node.transactions?.__typename !== 'TransactionConnection') throw new Error('no page');
    expect(data.node.transactions.edges.length).toBeGreaterThan(0);
    for (const { node } of data.node.transactions.edges) {
      expect(node.direction).toBe('DEBIT');
      expect(node.amount.startsWith('-')).toBe(true);
    }
  });

  it('MyCustomer: the end user sees their own customer and bank', async () => {
    const token = await signEndUserJwt(JWT_SECRET, { sub: APP_USER_ID });
    const { data } = await run(gateway, MyCustomerDocument, {}, token);
    expect(data.viewer).toMatchObject({ kind: 'END_USER', appUserId: APP_USER_ID, customer: { id: customerId, leanCustomerId } });
    expect(data.viewer.customer?.entities?.map((e) => [e.id, e.status])).toEqual([[entity.id, 'ACTIVE']]);
    const mine = data.viewer.customer?.entities?.[0]?.accounts;
    expect(mine?.__typename === 'AccountList' && mine.accounts.map((a) => a.id)).toEqual(accounts.map((a) => a.id));
  });

  it('RefreshAccount, RefreshEntity, RefreshCustomer: answer the same objects', async () => {
    const account = accounts[0]!;
    const refreshedAccount = await run(gateway, RefreshAccountDocument, { accountId: account.id });
    expect(refreshedAccount.data.refreshAccount.id).toBe(account.id);
    const balance = refreshedAccount.data.refreshAccount.balance;
    expect(balance?.__typename).toBe('Balance');
    if (balance?.__typename === 'Balance') expect(balance.amount).toMatch(DECIMAL);

    const refreshedEntity = await run(gateway, RefreshEntityDocument, { entityId: entity.id });
    expect(refreshedEntity.data.refreshEntity).toMatchObject({ id: entity.id, leanEntityId: entity.leanEntityId, status: 'ACTIVE' });
    expect(refreshedEntity.data.refreshEntity.bank).toMatchObject({ identifier: 'LEANMB1', region: 'UAE' });

    const refreshedCustomer = await run(gateway, RefreshCustomerDocument, { customerId });
    expect(refreshedCustomer.data.refreshCustomer.id).toBe(customerId);
    expect(refreshedCustomer.data.refreshCustomer.entities?.map((e) => [e.id, e.status])).toEqual([[entity.id, 'ACTIVE']]);
  });

  it('RequestDataRefresh: Lean starts reading the bank again; asked again meanwhile, one is pending already', async () => {
    if (!V2) {
      // v1 has no call that asks Lean to read the bank again: a typed answer, and Lean is not asked.
      await resetLeanCalls(gateway);
      const { data } = await run(gateway, RequestDataRefreshDocument, { entityId: entity.id });
      expect(data.requestDataRefresh).toMatchObject({ __typename: 'DataRefreshUnavailable', message: expect.any(String) as unknown });
      expect((await leanCalls(gateway)).total).toBe(0);
      return;
    }
    // RefreshEntity (the step before) asked Lean for a refresh too: let it end first.
    await refreshApplied(gateway, entity.leanEntityId, { count: 2 });
    const { data } = await run(gateway, RequestDataRefreshDocument, { entityId: entity.id });
    const requested = data.requestDataRefresh;
    expect(requested.__typename).toBe('DataRefreshRequested');
    if (requested.__typename !== 'DataRefreshRequested') return;
    expect(requested.entity.latestRefresh).toMatchObject({ refreshId: requested.refreshId, status: 'PENDING', leanStatus: 'PENDING' });

    const again = await run(gateway, RequestDataRefreshDocument, { entityId: entity.id });
    expect(again.data.requestDataRefresh).toMatchObject({ __typename: 'DataRefreshAlreadyPending', entity: { id: entity.id, latestRefresh: { refreshId: requested.refreshId } } });
  });

  it('DisconnectEntity: the entity becomes DISCONNECTED and leaves the overview', async () => {
    const { data } = await run(gateway, DisconnectEntityDocument, { entityId: entity.id });
    expect(data.disconnectEntity).toEqual({
      id: entity.id,
      leanEntityId: entity.leanEntityId,
      status: 'DISCONNECTED',
      bank: { identifier: 'LEANMB1', name: entity.bank.name },
    });

    const overview = await run(gateway, CustomerOverviewDocument, { customerId });
    expect(overview.data.customer?.entities).toEqual([]);
  });
});
