import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { sql } from 'kysely';
import { parse as parseLossless } from 'lossless-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountDetailsDocument, AccountTransactionsDocument, type AccountDetailsQuery, type AccountTransactionsQuery } from './gql/graphql.js';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { createCustomer, globalId, linkBank, utcDay, type CreatedCustomer } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { errorCodes, postGraphQL, signEndUserJwt, TEST_AUDIENCE, TEST_ISSUER, type GraphQLResponse } from './kit/graphql.js';
import { startTestSandbox, TEST_CLIENT_ID, TEST_CLIENT_SECRET, type TestSandbox } from './kit/sandbox.js';

/**
 * What Lean's v2 API adds (an account's holder, sub-type, status, opening day and nickname; every
 * balance type with its credit lines; a transaction's booking status, value date, reference,
 * merchant, types, counterparty, exchange and charges; the entity's bank type) answers through
 * GraphQL exactly as Lean's v2 answer holds it, is null or empty from Lean's v1 API, and keeps
 * its personal parts sealed and behind `identity:read`.
 */

const SERVICE_KEY = 'svc_v2_fields_0123456789abcdef0123456';
const JWT_SECRET = 'v2-fields-signing-secret-of-at-least-32-bytes';
const ENCRYPTION_KEY = Buffer.alloc(32, 0x5a).toString('base64');
const APP_USER_ID = 'v2-fields-user';
const PERMISSIONS = ['identity', 'accounts', 'balance', 'transactions'];
const SEALED = /^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22,}$/;

type Json = Record<string, unknown>;
type DetailsAccount = Extract<NonNullable<AccountDetailsQuery['node']>, { __typename: 'Account' }>;
type PageAccount = Extract<NonNullable<AccountTransactionsQuery['node']>, { __typename: 'Account' }>;
type Page = Extract<NonNullable<PageAccount['transactions']>, { __typename: 'TransactionConnection' }>;
type ErrorWithPath = { message: string; path?: (string | number)[]; extensions?: { code?: string } };

/** Sends a generated document and answers its data, with the whole response for its errors. */
async function run<TResult, TVariables>(gateway: TestGateway, document: TypedDocumentNode<TResult, TVariables>, variables: TVariables, token = SERVICE_KEY) {
  const response = await postGraphQL(gateway.url, print(document), { token, variables: variables as Record<string, unknown> });
  return { response, data: response.body.data as TResult };
}

const errorsOf = (response: GraphQLResponse) => ((response.body.errors ?? []) as ErrorWithPath[]).map((e) => [e.extensions?.code, e.path?.join('.')]);

/** Lean's v2 amounts are positive with the direction beside them; the gateway signs a DEBIT. */
const signed = (amount: string, indicator: unknown) => (indicator === 'DEBIT' && !/^0+(\.0+)?$/.test(amount) ? `-${amount}` : amount);
const instant = (value: unknown) => (typeof value === 'string' ? new Date(value).toISOString() : null);

describe("Lean's v2 fields through GraphQL, against the emulator's own v2 answers", () => {
  let sandbox: TestSandbox;
  let database: TestDatabase;
  let gateway: TestGateway;
  let customer: CreatedCustomer;
  const linked: { entityId: string; accountIds: string[] }[] = [];
  /** Lean's v2 answer, every JSON number kept as its exact text. */
  const leanV2 = async (path: string): Promise<Json> => {
    const answer = await sandbox.v2('GET', path);
    expect(answer.status, answer.text).toBe(200);
    return parseLossless(answer.text, null, (text) => text) as Json;
  };
  const itemsOf = async (path: string, key: string) => ((await leanV2(path))['data'] as Json)[key] as Json[];

  beforeAll(async () => {
    // An emulator of this test's own (its v2 client credentials known), so the test can ask it what the gateway should answer.
    sandbox = await startTestSandbox();
    database = await createTestDatabase('lean_v2_fields');
    gateway = await startTestGateway({
      ...database.env,
      LEAN_API_URL: sandbox.url,
      LEAN_AUTH_URL: sandbox.url,
      LEAN_CLIENT_ID: TEST_CLIENT_ID,
      LEAN_CLIENT_SECRET: TEST_CLIENT_SECRET,
      GATEWAY_API_KEYS: SERVICE_KEY,
      GATEWAY_JWT_SECRET: JWT_SECRET,
      GATEWAY_JWT_ISSUER: TEST_ISSUER,
      GATEWAY_JWT_AUDIENCE: TEST_AUDIENCE,
      GATEWAY_ENCRYPTION_KEY: `k1:${ENCRYPTION_KEY}`,
    });
    customer = await createCustomer(gateway, APP_USER_ID, { token: SERVICE_KEY });
    for (const bank of ['LEANMB1', 'LEA1_SAMAOB_SAU']) {
      const connected = await sandbox.control<{ id: string }>('POST', '/sandbox/connect', { customer_id: customer.leanCustomerId, bank_identifier: bank, permissions: PERMISSIONS });
      expect(connected.status).toBe(201);
      linked.push({ entityId: connected.body.id, accountIds: sandbox.sandbox.state.accountsOf(connected.body.id).map((a) => a.account_id) });
    }
    // The gateway learns of the links from Lean's entity list (this emulator sends it no webhooks).
    const listed = await postGraphQL(gateway.url, 'query ($id: ID!) { customer(id: $id) { entities { leanEntityId } } }', { token: SERVICE_KEY, variables: { id: customer.id } });
    expect(listed.body.errors).toBeUndefined();
  });
  afterAll(async () => {
    await gateway?.stop();
    await sandbox?.close();
    await database?.drop();
  });

  it("Account: holder name, sub-type, status, opening date and nickname as Lean's v2 accounts say; Entity: the bank type", async () => {
    for (const { entityId } of linked) {
      const answer = await postGraphQL(
        gateway.url,
        `query ($id: ID!) { node(id: $id) { ... on Entity { bankType accounts { ... on AccountList { accounts { leanAccountId name nickname subType status openingDate holderName } } } } } }`,
        { token: SERVICE_KEY, variables: { id: globalId('Entity', entityId) } },
      );
      expect(answer.body.errors).toBeUndefined();
      const node = answer.body.data?.['node'] as { bankType: string | null; accounts: { accounts: Json[] } };
      const lean = await itemsOf(`/data/v2/accounts?entity_id=${entityId}`, 'accounts');
      expect(lean.length).toBeGreaterThan(0);
      expect(node.accounts.accounts).toEqual(
        lean.map((account) => ({
          leanAccountId: account['account_id'],
          name: account['nickname'] ?? account['description'],
          nickname: account['nickname'],
          subType: account['account_sub_type'],
          status: account['status'],
          openingDate: account['opening_date'],
          holderName: account['account_holder_name'],
        })),
      );
      for (const account of node.accounts.accounts) {
        expect(account['holderName']).toMatch(/\S+ \S+/);
        expect(['CURRENT', 'SAVINGS', 'CREDIT']).toContain(account['subType']);
        expect(account['openingDate']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
      const entity = (await sandbox.v2('GET', `/customers/v1/${customer.leanCustomerId}/entities/${entityId}`)).body as Json;
      expect(node.bankType).toBe(entity['bank_type']);
      expect(node.bankType).toBe('RETAIL');
    }
  });

  it("Balance: all 13 balance types with their credit lines, amounts exact, as Lean's v2 balances say; `amount` is the INTERIM_AVAILABLE one", async () => {
    const creditLines: string[] = [];
    for (const { entityId, accountIds } of linked) {
      for (const accountId of accountIds) {
        const { response, data } = await run(gateway, AccountDetailsDocument, { accountId: globalId('Account', accountId) });
        expect(response.body.errors).toBeUndefined();
        const account = data.node as DetailsAccount;
        expect(account.balance?.__typename).toBe('Balance');
        if (account.balance?.__typename !== 'Balance') continue;
        const balance = account.balance;
        const fetchedAt = Date.parse(balance.fetchedAt);
        const lean = await itemsOf(`/data/v2/accounts/${accountId}/balances?entity_id=${entityId}`, 'balances');
        // A balance struck "now" is struck anew at each call: it counts as the same when it was struck when read.
        const when = (value: string | null, now: number) => (value !== null && Math.abs(Date.parse(value) - now) < 5_000 ? 'when read' : instant(value));
        const leanNow = Date.now();
        expect(lean).toHaveLength(13);
        expect(balance.breakdown.map((entry) => ({ ...entry, dateTime: when(entry.dateTime, fetchedAt) }))).toEqual(
          lean.map((entry) => {
            const amount = entry['amount'] as { amount: string; currency: string };
            return {
              type: entry['type'],
              amount: signed(amount.amount, entry['credit_debit_indicator']),
              currency: amount.currency,
              creditDebit: entry['credit_debit_indicator'],
              dateTime: when(entry['date_time'] as string, leanNow),
              creditLines: (entry['credit_line'] as Json[]).map((line) => {
                const money = line['amount'] as { amount: string; currency: string };
                return { type: line['type'], included: line['included'], amount: money.amount, currency: money.currency };
              }),
            };
          }),
        );
        const interim = balance.breakdown.find((entry) => entry.type === 'INTERIM_AVAILABLE');
        expect(balance).toMatchObject({ type: 'INTERIM_AVAILABLE', amount: interim?.amount, currency: interim?.currency });
        creditLines.push(...balance.breakdown.flatMap((entry) => entry.creditLines.map((line) => line.amount)));
      }
    }
    // Current accounts and cards carry credit lines; amounts keep Lean's text (`2000.0` stays `2000.0`).
    expect(creditLines.length).toBeGreaterThan(0);
    expect(creditLines.some((amount) => /\.0$/.test(amount))).toBe(true);
  });

  /** A day of the account whose transactions Lean lists with a counterparty and one with a currency exchange, and Lean's transactions of those days. */
  let days: { accountId: string; entityId: string; day: string; lean: Json[] }[] = [];
  const pageOf = async (accountId: string, day: string, token = SERVICE_KEY) => {
    const { response, data } = await run(gateway, AccountTransactionsDocument, { accountId: globalId('Account', accountId), from: day, to: day, first: 100 }, token);
    const node = data.node as PageAccount | null;
    return { response, page: node?.transactions as Page };
  };

  it("Transaction: booking status, value date, reference, merchant, types, counterparty, exchange and charges as Lean's v2 transactions say", async () => {
    const [uae] = linked;
    if (uae === undefined) throw new Error('no link');
    const from = utcDay(-120);
    const to = utcDay(0);
    const found = new Map<string, { accountId: string; day: string }>();
    for (const accountId of uae.accountIds) {
      const lean = await itemsOf(`/data/v2/accounts/${accountId}/transactions?entity_id=${uae.entityId}&start_date=${from}&end_date=${to}&size=500`, 'transactions');
      const dayOf = (t: Json) => String(t['booking_date_time']).slice(0, 10);
      const withParty = lean.find((t) => t['creditor_account'] !== null && t['status'] === 'BOOKED');
      const withExchange = lean.find((t) => t['currency_exchange'] !== null && t['status'] === 'BOOKED');
      if (withParty !== undefined && !found.has('party')) found.set('party', { accountId, day: dayOf(withParty) });
      if (withExchange !== undefined && !found.has('exchange')) found.set('exchange', { accountId, day: dayOf(withExchange) });
    }
    expect([...found.keys()].sort()).toEqual(['exchange', 'party']);
    days = [];
    for (const { accountId, day } of found.values()) {
      const lean = await itemsOf(`/data/v2/accounts/${accountId}/transactions?entity_id=${uae.entityId}&start_date=${day}&end_date=${day}&size=500`, 'transactions');
      days.push({ accountId, entityId: uae.entityId, day, lean });
    }

    for (const { accountId, day, lean } of days) {
      const { response, page } = await pageOf(accountId, day);
      expect(response.body.errors).toBeUndefined();
      expect(page.__typename).toBe('TransactionConnection');
      const party = (account: unknown, agent: unknown) => {
        if (account === null && agent === null) return null;
        const a = (account ?? {}) as Json;
        const b = (agent ?? {}) as Json;
        return { name: a['name'] ?? null, identification: a['identification'] ?? null, schemeName: a['scheme_name'] ?? null, bank: b['name'] ?? b['identification'] ?? null };
      };
      const expected = lean.map((t) => {
        const amount = t['amount'] as { amount: string; currency: string };
        const debit = t['credit_debit_indicator'] === 'DEBIT';
        const merchant = t['merchant_details'] as Json | null;
        const exchange = t['currency_exchange'] as Json | null;
        const charge = t['charge_amount'] as Json | null;
        return {
          leanTransactionId: t['transaction_id'],
          amount: signed(amount.amount, t['credit_debit_indicator']),
          currency: amount.currency,
          bookingStatus: t['status'],
          valueDate: instant(t['value_date_time']),
          reference: t['transaction_reference'],
          merchant: merchant === null ? null : { name: merchant['merchant_name'], categoryCode: merchant['merchant_category_code'] },
          transactionType: t['transaction_type'],
          subTransactionType: t['sub_transaction_type'],
          counterparty: debit ? party(t['creditor_account'], t['creditor_agent']) : party(t['debtor_account'], t['debtor_agent']),
          currencyExchange:
            exchange === null
              ? null
              : {
                  sourceCurrency: exchange['source_currency'],
                  targetCurrency: exchange['target_currency'],
                  unitCurrency: exchange['unit_currency'],
                  exchangeRate: exchange['exchange_rate'],
                  contractIdentification: exchange['contract_identification'],
                  quotationDate: instant(exchange['quotation_date']),
                  instructedAmount: exchange['instructed_amount'],
                },
          charges: charge === null ? null : { amount: charge['amount'], currency: charge['currency'], included: charge['charge_included'] },
        };
      });
      const answered = page.edges.map(({ node }) => ({
        leanTransactionId: node.leanTransactionId,
        amount: node.amount,
        currency: node.currency,
        bookingStatus: node.bookingStatus,
        valueDate: node.valueDate,
        reference: node.reference,
        merchant: node.merchant,
        transactionType: node.transactionType,
        subTransactionType: node.subTransactionType,
        counterparty: node.counterparty,
        currencyExchange: node.currencyExchange,
        charges: node.charges,
      }));
      const byId = (list: { leanTransactionId: unknown }[]) => [...list].sort((a, b) => String(a.leanTransactionId).localeCompare(String(b.leanTransactionId)));
      expect(answered.length).toBe(expected.length);
      expect(byId(answered)).toEqual(byId(expected));
    }
    const all = await Promise.all(days.map(async ({ accountId, day }) => (await pageOf(accountId, day)).page.edges.map((edge) => edge.node)));
    const nodes = all.flat();
    expect(nodes.some((node) => node.counterparty?.name && node.counterparty.identification && node.counterparty.bank)).toBe(true);
    // The rate keeps Lean's digits; the instructed amount is money in its own currency.
    const exchanged = nodes.find((node) => node.currencyExchange !== null);
    expect(exchanged?.currencyExchange?.exchangeRate).toMatch(/^\d+\.\d+$/);
    expect(exchanged?.currencyExchange?.instructedAmount?.amount).toMatch(/^\d+(\.\d+)?$/);
  });

  it('an end user without identity:read gets FORBIDDEN at holderName, iban and counterparty, and the rest of the answer stands; with it, the same answer as a service', async () => {
    const accountId = linked[0]?.accountIds[0] ?? '';
    const without = await signEndUserJwt(JWT_SECRET, { sub: APP_USER_ID });
    const withScope = await signEndUserJwt(JWT_SECRET, { sub: APP_USER_ID, scope: 'identity:read' });

    const service = await run(gateway, AccountDetailsDocument, { accountId: globalId('Account', accountId) });
    const refused = await run(gateway, AccountDetailsDocument, { accountId: globalId('Account', accountId) }, without);
    expect(errorsOf(refused.response).sort()).toEqual([
      ['FORBIDDEN', 'node.holderName'],
      ['FORBIDDEN', 'node.iban'],
    ]);
    const serviceAccount = service.data.node as DetailsAccount;
    expect(refused.data.node).toEqual({ ...serviceAccount, holderName: null, iban: null });
    expect((refused.data.node as DetailsAccount).subType).toMatch(/\S/);
    const allowed = await run(gateway, AccountDetailsDocument, { accountId: globalId('Account', accountId) }, withScope);
    expect(allowed.response.body.errors).toBeUndefined();
    expect((allowed.data.node as DetailsAccount).holderName).toBe(serviceAccount.holderName);

    const partyDay = days.find(({ lean }) => lean.some((t) => t['creditor_account'] !== null));
    if (partyDay === undefined) throw new Error('no day with a counterparty');
    const asService = await pageOf(partyDay.accountId, partyDay.day);
    const asUser = await pageOf(partyDay.accountId, partyDay.day, without);
    const withParty = asService.page.edges.flatMap((edge, index) => (edge.node.counterparty === null ? [] : [index]));
    expect(withParty.length).toBeGreaterThan(0);
    // Every transaction's counterparty is refused (the check comes before reading it), none other.
    expect(errorsOf(asUser.response)).toEqual(asService.page.edges.map((_edge, index) => ['FORBIDDEN', `node.transactions.edges.${index}.node.counterparty`]));
    expect(asUser.page.edges.map((edge) => edge.node)).toEqual(asService.page.edges.map((edge) => ({ ...edge.node, counterparty: null })));
    const scoped = await pageOf(partyDay.accountId, partyDay.day, withScope);
    expect(scoped.response.body.errors).toBeUndefined();
    expect(scoped.page).toEqual(asService.page);
  });

  it('holder names and counterparties are sealed at rest, bound to their row; money in jsonb stays decimal text', async () => {
    const { db } = gateway.database;
    const holders = (await Promise.all(linked.map(({ entityId }) => itemsOf(`/data/v2/accounts?entity_id=${entityId}`, 'accounts')))).flat().map((a) => String(a['account_holder_name']));
    // The other side's account numbers: its name also stands in the bank's description and merchant name, which are not personal columns.
    const identifications = days
      .flatMap(({ lean }) => lean)
      .flatMap((t) => [t['creditor_account'], t['debtor_account']])
      .flatMap((account) => (account === null ? [] : [(account as Json)['identification']]))
      .filter((value): value is string => typeof value === 'string' && value.length >= 8);
    expect(holders.length).toBeGreaterThan(0);
    expect(identifications.length).toBeGreaterThan(0);

    const accounts = await db.selectFrom('accounts').select(['id', 'holder_name']).execute();
    expect(accounts.length).toBeGreaterThan(0);
    for (const account of accounts) expect(account.holder_name).toMatch(SEALED);
    const counterparties = await db.selectFrom('transactions').select('counterparty').where('counterparty', 'is not', null).execute();
    expect(counterparties.length).toBeGreaterThan(0);
    for (const row of counterparties) expect(row.counterparty).toMatch(SEALED);
    const tableText = async (table: 'accounts' | 'transactions') =>
      (await sql<{ text: string }>`select string_agg(r::text, ' ') as text from ${sql.table(table)} r`.execute(db)).rows[0]?.text ?? '';
    const accountsText = await tableText('accounts');
    for (const holder of holders) expect(accountsText, 'a holder name is stored in clear text').not.toContain(holder);
    const transactionsText = await tableText('transactions');
    for (const identification of identifications) expect(transactionsText, "the other side's account is stored in clear text").not.toContain(identification);

    // Amounts, the rate and credit lines in jsonb are JSON strings (exact decimal text), never numbers.
    const { rows: kinds } = await sql<{ kind: string; n: number }>`
      select kind, count(*)::int as n from (
        select jsonb_typeof(e->'amount') as kind from balances, jsonb_array_elements(breakdown) e
        union all select jsonb_typeof(l->'amount') from balances, jsonb_array_elements(breakdown) e, jsonb_array_elements(e->'credit_lines') l
        union all select jsonb_typeof(currency_exchange->'exchange_rate') from transactions where currency_exchange is not null
        union all select jsonb_typeof(currency_exchange->'instructed_amount'->'amount') from transactions where currency_exchange is not null
        union all select jsonb_typeof(charges->'amount') from transactions where charges is not null
      ) amounts group by kind`.execute(db);
    expect(kinds.map((k) => k.kind)).toEqual(['string']);

    // A sealed counterparty copied into another transaction's row does not open there.
    const read = await Promise.all(days.map(async ({ accountId, day }) => ({ accountId, day, edges: (await pageOf(accountId, day)).page.edges })));
    const places = read.flatMap(({ accountId, day, edges }) => edges.map((edge, index) => ({ accountId, day, index, node: edge.node })));
    const source = places.find((place) => place.node.counterparty !== null);
    const target = places.find((place) => place !== source);
    if (source === undefined || target === undefined) throw new Error('no transactions to copy between');
    const where = (place: typeof source) =>
      db.updateTable('transactions').where('account_id', '=', place.accountId).where('transaction_id', '=', place.node.leanTransactionId);
    const sealedOf = async (place: typeof source) =>
      (await db.selectFrom('transactions').select('counterparty').where('account_id', '=', place.accountId).where('transaction_id', '=', place.node.leanTransactionId).executeTakeFirstOrThrow()).counterparty;
    const [copied, kept] = await Promise.all([sealedOf(source), sealedOf(target)]);
    await where(target).set({ counterparty: copied }).execute();
    try {
      const answer = await pageOf(target.accountId, target.day);
      expect(errorsOf(answer.response)).toEqual([['PERSONAL_DATA_UNREADABLE', `node.transactions.edges.${target.index}.node.counterparty`]]);
      expect(answer.page.edges[target.index]?.node).toEqual({ ...target.node, counterparty: null });
      expect((await pageOf(source.accountId, source.day)).page.edges[source.index]?.node.counterparty).toEqual(source.node.counterparty);
    } finally {
      await where(target).set({ counterparty: kept }).execute();
    }
  });
});

describe("Lean's v1 API fills none of them", () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase('lean_v1_fields');
    gateway = await startTestGateway({ ...database.env, LEAN_API_VERSION: 'v1', GATEWAY_API_KEYS: SERVICE_KEY });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('Account, Balance, Transaction and Entity answer null (the breakdown empty) where v2 carries more', async () => {
    const customer = await createCustomer(gateway, 'v1-fields-user', { token: SERVICE_KEY });
    const entity = await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
    const accountId = entity.accountIds[0] ?? '';
    const listed = await postGraphQL(gateway.url, 'query ($id: ID!) { customer(id: $id) { entities { accounts { __typename } } } }', { token: SERVICE_KEY, variables: { id: customer.id } });
    expect(listed.body.errors).toBeUndefined();
    const { response, data } = await run(gateway, AccountDetailsDocument, { accountId: globalId('Account', accountId) });
    expect(response.body.errors).toBeUndefined();
    const account = data.node as DetailsAccount;
    expect(account).toMatchObject({ nickname: null, subType: null, status: null, openingDate: null, holderName: null, entity: { bankType: null } });
    expect(account.iban).toMatch(/^AE\d{21}$/);
    expect(account.balance).toMatchObject({ __typename: 'Balance', type: null, breakdown: [] });
    if (account.balance?.__typename === 'Balance') expect(account.balance.amount).toMatch(/^-?\d+(\.\d+)?$/);

    const page = await run(gateway, AccountTransactionsDocument, { accountId: globalId('Account', accountId), first: 50 });
    expect(page.response.body.errors).toBeUndefined();
    const transactions = (page.data.node as PageAccount).transactions as Page;
    expect(transactions.edges.length).toBeGreaterThan(0);
    for (const { node } of transactions.edges) {
      expect(node.amount).toMatch(/^-?\d+(\.\d+)?$/);
      expect(node).toMatchObject({
        bookingStatus: null,
        valueDate: null,
        reference: null,
        merchant: null,
        transactionType: null,
        subTransactionType: null,
        counterparty: null,
        currencyExchange: null,
        charges: null,
      });
    }
    expect(errorCodes(page.response)).toEqual([]);
  });
});
