import { parse as parseLossless, stringify as stringifyLossless } from 'lossless-json';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LeanV2Client } from '../src/lean/v2/client.js';
import * as wire from '../src/lean/v2/wire.js';
import type { LeanResult } from '../src/model/results.js';
import { LeanApiError, LeanProtocolError } from '../src/model/upstream-errors.js';
import { envelope, postmanSample, startLeanV2Double, v2ClientOf, type LeanV2Double, type Region, type SeenRequest } from './kit/lean-v2.js';

const ENTITY_ID = 'a5b20a61-157a-400e-8588-738523ba6431';
const ACCOUNT_ID = '25e9aae3-58d4-4073-b882-18614afe1197';
const CUSTOMER_ID = 'a33a50fc-b29c-4c03-9cab-379280d7e500';
const WINDOW = { startDate: '2026-01-01', endDate: '2026-03-01', insights: false };
const TRANSACTIONS = 'GET /data/v2/accounts/{account_id}/transactions';
const BALANCES = 'GET /data/v2/accounts/{account_id}/balances';
const ACCOUNTS = 'GET /data/v2/accounts';
const ACCOUNT_PATH = /^\/data\/v2\/accounts\/[^/]+\/transactions$/;
const BALANCE_PATH = /^\/data\/v2\/accounts\/[^/]+\/balances$/;
const REGIONS: Region[] = ['KSA', 'UAE'];
/** Lean's account-listing request is "Get Account" in the KSA collection, "Get Accounts" in the UAE one. */
const ACCOUNTS_REQUEST: Record<Region, string> = { KSA: 'Get Account', UAE: 'Get Accounts' };

const rejection = async (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);
function okData<T>(result: LeanResult<T>): T {
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${result.kind}`);
  return result.data;
}
/** A saved sample that says it is the only page (the transaction samples are page 0 of 7 and 6). */
const onlyPage = (body: string) => body.replace(/"total_pages":\s*\d+/, '"total_pages": 1');
/** The sample's items as lossless JSON, to compare against what the client answers. */
interface LosslessAmount {
  readonly amount: { toString(): string };
  readonly currency: string;
}
interface SampleTransaction {
  readonly transaction_id: string;
  readonly credit_debit_indicator: string;
  readonly amount: LosslessAmount;
}
const sampleList = <T,>(body: string, key: string): T[] => (parseLossless(body) as { data: Record<string, T[]> }).data[key] ?? [];

let double: LeanV2Double;
let lean: LeanV2Client;
let logs: string[];
const allRequests: SeenRequest[] = [];

beforeEach(async () => {
  double = await startLeanV2Double();
  ({ lean, logs } = v2ClientOf(double));
});
afterEach(async () => {
  allRequests.push(...double.apiRequests);
  await lean.close();
  await double.close();
});
afterAll(() => {
  // Never both lean-app-token and Authorization, on any call this file made.
  expect(allRequests.length).toBeGreaterThan(0);
  for (const request of allRequests) {
    expect(request.headers.authorization).toMatch(/^Bearer /);
    expect(request.headers['lean-app-token']).toBeUndefined();
  }
});

describe("Lean's Postman samples, read whole", () => {
  it.each(REGIONS)('accounts (%s): every item, mapped to the model', async (region) => {
    double.answer('GET', '/data/v2/accounts', () => ({ body: postmanSample(region, ACCOUNTS_REQUEST[region]) }));
    const accounts = okData(await lean.accounts(ENTITY_ID));
    const items = sampleList<{ account_id: string }>(postmanSample(region, ACCOUNTS_REQUEST[region]), 'accounts');
    expect(accounts.map((account) => account.id)).toEqual(items.map((item) => item.account_id));
    for (const account of accounts) {
      expect(account.iban).toMatch(/^(SA|AE)\d\d/);
      expect(account.type).toBe(account.subType);
      expect(account.status).toBe('ENABLED');
    }
    const [request] = double.apiRequests;
    expect(Object.fromEntries(request?.query ?? [])).toEqual({ entity_id: ENTITY_ID, page: '0', size: '100' });
  });

  it('accounts (KSA): holder, IBAN (not the PAN or BBAN), nickname as name, sub-type as type', async () => {
    double.answer('GET', '/data/v2/accounts', () => ({ body: postmanSample('KSA', 'Get Account') }));
    const answer = await lean.accounts(ENTITY_ID);
    expect(answer).toMatchObject({ kind: 'ok', refreshedAt: new Date('2026-05-10T12:32:54.746Z') });
    const accounts = okData(answer);
    expect(accounts[0]).toEqual({
      id: ACCOUNT_ID,
      name: 'Current Account',
      type: 'CURRENT',
      currency: 'SAR',
      iban: 'SA04203XGFV6Y7UWB7IYNK0I',
      holderName: 'Mae Darlene Zulauf',
      subType: 'CURRENT',
      status: 'ENABLED',
      openingDate: '2024-02-05',
      nickname: 'Current Account',
    });
    expect(accounts[2]).toMatchObject({ subType: 'CREDIT', iban: 'SA15424K8X5Q6G0JQG7R446C' });
    expect(accounts.map((account) => account.subType)).toEqual(['CURRENT', 'SAVINGS', 'CREDIT', 'CHARGE_CARD', 'PREPAID', 'EMONEY', 'UNSUPPORTED']);
  });

  it.each([
    ['KSA', { fullName: 'Mae Darlene Zulauf Hilton Darlene Zulauf', gender: 'F', nationalIdentityNumber: null, address: 'Wunsch Expressway, East Marjorie, Michigan, 07647-8395, Tanzania' }],
    ['UAE', { fullName: 'Angelika Art Jacobs', gender: null, nationalIdentityNumber: 'rHQEQyrYtBZhZRFrwnEIJlxdJS', address: '101, 2, burj khalifa, 1201, Sheikh Zayed Road, Dubai, UAE, arjan, P.O. Box 3779, AE' }],
  ] as const)('identity (%s): the first of data.identities, its address in one line', async (region, expected) => {
    double.answer('GET', '/data/v2/identity', () => ({ body: postmanSample(region, 'Get identity') }));
    const identity = okData(await lean.identity(ENTITY_ID));
    expect(identity).toMatchObject(expected);
    expect(identity.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(identity.mobileNumber).toMatch(/^\d+$/);
    expect(identity.emailAddress).toContain('@');
  });

  it.each(REGIONS)('balances (%s): 13 types in the breakdown, the headline from headlineBalance, credit lines kept', async (region) => {
    const body = postmanSample(region, 'Get Balances');
    double.answer('GET', BALANCE_PATH, () => ({ body }));
    const balance = okData(await lean.balance(ENTITY_ID, ACCOUNT_ID));
    expect(balance.breakdown).toHaveLength(13);
    const sampled = sampleList<{ type: string; amount: LosslessAmount }>(body, 'balances');
    expect(balance.breakdown.map((entry) => [entry.type, entry.amount])).toEqual(sampled.map((item) => [item.type, item.amount.amount.toString()]));
    const interim = balance.breakdown.find((entry) => entry.type === 'INTERIM_AVAILABLE');
    expect(balance).toMatchObject({ type: 'INTERIM_AVAILABLE', amount: interim?.amount, currency: region === 'KSA' ? 'SAR' : 'AED' });
    expect(balance.breakdown.some((entry) => entry.creditLines.length > 0)).toBe(true);
    expect(balance.breakdown[0]?.creditDebit).toBe('CREDIT');
    expect(balance.breakdown[0]?.dateTime).toBeInstanceOf(Date);
    const [request] = double.apiRequests;
    expect(request?.path).toBe(`/data/v2/accounts/${ACCOUNT_ID}/balances`);
    expect(lean.calls.count(BALANCES, 'ok')).toBe(1);
  });

  it('a DEBIT balance (money owed) is negative, its credit lines as sent', async () => {
    const body = postmanSample('KSA', 'Get Balances');
    const sampled = sampleList<{ type: string; amount: LosslessAmount }>(body, 'balances');
    const interim = sampled.find((item) => item.type === 'INTERIM_AVAILABLE')?.amount.amount.toString();
    // Lean's sample, with the INTERIM_AVAILABLE entry turned into a debit.
    const debit = body.replace(/"credit_debit_indicator":\s*"CREDIT",(\s*"type":\s*"INTERIM_AVAILABLE")/, '"credit_debit_indicator": "DEBIT",$1');
    expect(debit).not.toBe(body);
    double.answer('GET', BALANCE_PATH, () => ({ body: debit }));
    const balance = okData(await lean.balance(ENTITY_ID, ACCOUNT_ID));
    expect(interim).toMatch(/^\d+\.\d+$/);
    expect(balance.amount).toBe(`-${interim}`);
    expect(balance.breakdown.find((entry) => entry.type === 'INTERIM_AVAILABLE')).toMatchObject({ creditDebit: 'DEBIT', amount: `-${interim}` });
    expect(balance.breakdown.filter((entry) => entry.amount.startsWith('-'))).toHaveLength(1);
  });

  it.each(REGIONS)('transactions (%s): every item, amounts exact and signed by credit_debit_indicator', async (region) => {
    const body = postmanSample(region, 'Get Transactions');
    double.answer('GET', ACCOUNT_PATH, () => ({ body: onlyPage(body) }));
    const transactions = okData(await lean.transactions(ENTITY_ID, ACCOUNT_ID, WINDOW));
    const sampled = sampleList<SampleTransaction>(body, 'transactions');
    expect(transactions).toHaveLength(50);
    expect(transactions.map((t) => [t.id, t.amount, t.currency])).toEqual(
      sampled.map((item) => [item.transaction_id, `${item.credit_debit_indicator === 'DEBIT' ? '-' : ''}${item.amount.amount.toString()}`, item.amount.currency]),
    );
    expect(transactions.some((t) => t.amount.startsWith('-'))).toBe(true);
    for (const transaction of transactions) {
      expect(transaction.pending).toBe(false); // all BOOKED
      expect(transaction.insights).toBeNull();
      expect(transaction.details?.bookingStatus).toBe('BOOKED');
      expect(transaction.timestamp).toBeInstanceOf(Date);
    }
    const [request] = double.apiRequests;
    expect(Object.fromEntries(request?.query ?? [])).toEqual({ entity_id: ENTITY_ID, start_date: '2026-01-01', end_date: '2026-03-01', page: '0', size: '100' });
  });

  it('transactions (KSA): 1934 stays "1934", the rate "0.5750895933", the counterparty is the other side', async () => {
    double.answer('GET', ACCOUNT_PATH, () => ({ body: onlyPage(postmanSample('KSA', 'Get Transactions')) }));
    const transactions = okData(await lean.transactions(ENTITY_ID, ACCOUNT_ID, WINDOW));
    expect(transactions[0]).toMatchObject({
      id: '7c8e9b9f-811a-4084-afc5-bac00bebb36f',
      amount: '1934',
      currency: 'SAR',
      timestamp: new Date('2026-01-01T00:00:00Z'),
      description: 'GOVT-PMT:- CITIZEN ACCOUNT PROGRAM - MONTHLY SUPPORT APR 2026 /REF/CA-042026-ID109',
      details: { reference: 'DhUnFjoHds', valueDate: new Date('2026-01-01T00:00:00Z') },
    });
    expect(transactions[6]?.details).toMatchObject({
      currencyExchange: {
        sourceCurrency: 'SAR',
        targetCurrency: 'AED',
        unitCurrency: 'SAR',
        exchangeRate: '0.5750895933',
        contractIdentification: 'FZyazacspRubBVDHolWSAy',
        quotationDate: new Date('2026-01-01T00:00:00Z'),
        instructedAmount: { amount: '4.87', currency: 'SAR' },
      },
      // A credit: the payer (debtor) is the other side.
      counterparty: { name: 'Mae Zulauf Current Account', schemeName: null, identification: 'SA04203XGFV6Y7UWB7IYNK0I', bank: 'Banque Saudi Fransi' },
    });
    // A debit: the payee (creditor) is the other side.
    expect(transactions[16]).toMatchObject({
      amount: '-333.48',
      details: { counterparty: { name: 'Lyle', identification: 'SA47151ABGMISFNW3ZCOU5W7', bank: 'Banque Saudi Fransi' } },
    });
    const first = transactions[0]?.details;
    expect(first?.charges).toMatchObject({ currency: 'SAR', amount: expect.stringMatching(/^\d+(\.\d+)?$/) as unknown });
    expect(first?.merchant).toMatchObject({ name: expect.any(String) as unknown, categoryCode: expect.any(String) as unknown });
    expect(first?.transactionType).toEqual(expect.any(String));
  });

  it('transactions (UAE): the bank of the other side is its agent identification when the agent has no name', async () => {
    double.answer('GET', ACCOUNT_PATH, () => ({ body: onlyPage(postmanSample('UAE', 'Get Transactions')) }));
    const transactions = okData(await lean.transactions(ENTITY_ID, ACCOUNT_ID, WINDOW));
    const withParty = transactions.filter((t) => t.details?.counterparty !== null);
    expect(withParty.length).toBeGreaterThan(0);
    for (const transaction of withParty) expect(transaction.details?.counterparty?.bank).toMatch(/\S/);
  });

  it('178268.21 and 10.0 arrive as that exact text: through the wire schema and through the client', async () => {
    const transactionsBody = postmanSample('KSA', 'Get Transactions');
    const runningBalance = (parseLossless(transactionsBody) as { data: { transactions: { balance: { amount: unknown } }[] } }).data.transactions[0]?.balance.amount;
    expect(wire.money.parse(runningBalance)).toEqual({ currency: 'SAR', amount: '178268.21' });
    const standingOrders = (parseLossless(postmanSample('KSA', 'Get Standing Orders')) as { data: { standing_orders: { first_payment_amount: unknown }[] } }).data.standing_orders;
    expect(wire.money.parse(standingOrders[0]?.first_payment_amount)).toEqual({ currency: 'SAR', amount: '10.0' });

    // The first sample transaction, with Lean's own texts 10.0 and 178268.21 as its amount.
    const withAmount = (text: string, indicator: string) =>
      onlyPage(transactionsBody)
        .replace('"amount": 1934', `"amount": ${text}`)
        .replace(/"credit_debit_indicator": "CREDIT"/, `"credit_debit_indicator": "${indicator}"`);
    double.answer('GET', ACCOUNT_PATH, (request) => ({ body: request.query.get('start_date') === '2026-01-01' ? withAmount('10.0', 'DEBIT') : withAmount('178268.21', 'CREDIT') }));
    expect(okData(await lean.transactions(ENTITY_ID, ACCOUNT_ID, WINDOW))[0]?.amount).toBe('-10.0');
    expect(okData(await lean.transactions(ENTITY_ID, ACCOUNT_ID, { ...WINDOW, startDate: '2025-01-01' }))[0]?.amount).toBe('178268.21');
  });

  it('legacy results (KSA) read as accounts: an item without a holder name', async () => {
    double.answer('GET', /^\/data\/v2\/results\/[^/]+$/, () => ({ body: postmanSample('KSA', 'Get Results') }));
    const accounts = okData(await lean.results('516adc40-af36-4284-bfba-46ec69dfe6d3', 'accounts'));
    expect(accounts).toHaveLength(1);
    // No nickname or description: no name (the identifier's name may be a person's).
    expect(accounts[0]).toMatchObject({ status: 'DISABLED', holderName: null, name: null, subType: 'CURRENT', iban: expect.any(String) as unknown });
    expect(lean.calls.count('GET /data/v2/results/{results_id}', 'ok')).toBe(1);
  });
});

describe('paging', () => {
  const threePages = () => {
    const sampled = sampleList<unknown>(postmanSample('KSA', 'Get Transactions'), 'transactions').slice(0, 7);
    const pages = [sampled.slice(0, 3), sampled.slice(3, 6), sampled.slice(6)];
    return pages.map((items, number) =>
      envelope('transactions', 'transactions', items.map((item) => stringifyLossless(item) ?? ''), { number, size: 3, totalElements: 7, totalPages: 3 }),
    );
  };

  it('a 3-page answer is read whole: 3 calls, counted by the template without ids, pages 0, 1, 2', async () => {
    const pages = threePages();
    double.answer('GET', ACCOUNT_PATH, (request) => ({ body: pages[Number(request.query.get('page'))] ?? '' }));
    const transactions = okData(await lean.transactions(ENTITY_ID, ACCOUNT_ID, WINDOW));
    expect(transactions).toHaveLength(7);
    expect(transactions[0]?.amount).toBe('1934');
    expect(double.apiRequests.map((request) => request.query.get('page'))).toEqual(['0', '1', '2']);
    expect(lean.calls.count(TRANSACTIONS)).toBe(3);
    expect(lean.calls.count(TRANSACTIONS, 'ok')).toBe(3);
    expect(lean.calls.snapshot().every((row) => !row.endpoint.includes(ACCOUNT_ID) && !row.endpoint.includes('?'))).toBe(true);
  });

  it('a page that is not OK ends the read with that answer', async () => {
    const pages = threePages();
    double.answer('GET', ACCOUNT_PATH, (request) =>
      request.query.get('page') === '1' ? { body: '{"status":"PENDING","results_id":"9a1e4c2b-0000-4000-8000-000000000001","message":"pending","timestamp":"2026-05-10T12:00:00Z"}' } : { body: pages[0] ?? '' },
    );
    expect(await lean.transactions(ENTITY_ID, ACCOUNT_ID, WINDOW)).toMatchObject({ kind: 'pending', resultsId: '9a1e4c2b-0000-4000-8000-000000000001' });
    expect(double.apiRequests).toHaveLength(2);
  });

  it('when Lean refreshed its store between pages, the read starts over once, so the pages belong together', async () => {
    const pages = threePages();
    let calls = 0;
    double.answer('GET', ACCOUNT_PATH, (request) => {
      calls++;
      const body = pages[Number(request.query.get('page'))] ?? '';
      // Lean's store is refreshed after the first page was read: every page from then on says so.
      return { body: calls === 1 ? body : body.replace('2026-05-10T12:32:54.746Z', '2026-05-10T13:00:00.000Z') };
    });
    const answer = await lean.transactions(ENTITY_ID, ACCOUNT_ID, WINDOW);
    expect(answer).toMatchObject({ kind: 'ok', refreshedAt: new Date('2026-05-10T13:00:00.000Z') });
    expect(okData(answer)).toHaveLength(7);
    expect(double.apiRequests.map((request) => request.query.get('page'))).toEqual(['0', '1', '0', '1', '2']);
  });

  it('when Lean refreshes again during the second pass, the read goes on to the end, claiming the oldest refreshed_at', async () => {
    const pages = threePages();
    let calls = 0;
    double.answer('GET', ACCOUNT_PATH, (request) => {
      const refreshedAt = `2026-05-10T13:00:0${calls++}.000Z`; // a new refresh before every page
      return { body: (pages[Number(request.query.get('page'))] ?? '').replace('2026-05-10T12:32:54.746Z', refreshedAt) };
    });
    const answer = await lean.transactions(ENTITY_ID, ACCOUNT_ID, WINDOW);
    expect(answer).toMatchObject({ kind: 'ok', refreshedAt: new Date('2026-05-10T13:00:02.000Z') });
    expect(okData(answer)).toHaveLength(7);
    expect(double.apiRequests.map((request) => request.query.get('page'))).toEqual(['0', '1', '0', '1', '2']);
  });

  it('more pages than the cap is a protocol error after one call, never an endless read', async () => {
    double.answer('GET', '/data/v2/accounts', () => ({ body: postmanSample('KSA', 'Get Account').replace(/"total_pages":\s*\d+/, '"total_pages": 5000') }));
    const error = await rejection(lean.accounts(ENTITY_ID));
    expect(error).toBeInstanceOf(LeanProtocolError);
    expect((error as Error).message).toMatch(/total_pages/);
    expect(double.apiRequests).toHaveLength(1);
  });

  it('a Lean that always says "one more page" is cut off at the cap', async () => {
    const capped = v2ClientOf(double, { maxPages: 4 });
    try {
      double.answer('GET', '/data/v2/accounts', (request) => ({
        body: postmanSample('KSA', 'Get Account').replace(/"total_pages":\s*\d+/, `"total_pages": ${Number(request.query.get('page')) + 2}`),
      }));
      expect(await rejection(capped.lean.accounts(ENTITY_ID))).toBeInstanceOf(LeanProtocolError);
      expect(double.apiRequests).toHaveLength(4);
    } finally {
      await capped.lean.close();
    }
  });
});

describe('envelope statuses', () => {
  const answerAccounts = (body: string, status = 200) => double.answer('GET', '/data/v2/accounts', () => ({ status, body }));
  const base = '"results_id":"516adc40-af36-4284-bfba-46ec69dfe6d3","timestamp":"2026-05-10T12:00:00Z","message":"from Lean"';

  it('PENDING with results_id is pending', async () => {
    answerAccounts(`{"status":"PENDING",${base}}`);
    expect(await lean.accounts(ENTITY_ID)).toMatchObject({ kind: 'pending', resultsId: '516adc40-af36-4284-bfba-46ec69dfe6d3' });
    expect(lean.calls.count(ACCOUNTS, 'pending')).toBe(1);
  });

  it.each([
    ['data.reconnect_id', `{"status":"RECONNECT_REQUIRED",${base},"data":{"reconnect_id":"rc-1"}}`],
    ['a top-level reconnect_id', `{"status":"RECONNECT_REQUIRED",${base},"reconnect_id":"rc-1","data":null}`],
    ["v1's payload.reconnect_id", `{"status":"RECONNECT_REQUIRED",${base},"payload":{"reconnect_id":"rc-1","type":"reconnect"}}`],
  ])('RECONNECT_REQUIRED with %s is reconnectRequired', async (_where, body) => {
    answerAccounts(body);
    expect(await lean.accounts(ENTITY_ID)).toMatchObject({ kind: 'reconnectRequired', reconnectId: 'rc-1', resultsId: '516adc40-af36-4284-bfba-46ec69dfe6d3' });
  });

  it('RECONNECT_REQUIRED without a reconnect id is a protocol error', async () => {
    answerAccounts(`{"status":"RECONNECT_REQUIRED",${base}}`);
    expect(await rejection(lean.accounts(ENTITY_ID))).toBeInstanceOf(LeanProtocolError);
  });

  it('CONSENT_EXPIRED, as an envelope or as a 403 error body, is consentExpired', async () => {
    answerAccounts(`{"status":"CONSENT_EXPIRED",${base}}`);
    expect(await lean.accounts(ENTITY_ID)).toMatchObject({ kind: 'consentExpired' });
    answerAccounts(postmanSample('KSA', 'Trigger a Manual Data Refresh', 403), 403);
    expect(await lean.accounts(ENTITY_ID)).toMatchObject({ kind: 'consentExpired' });
  });

  it.each(['FAILED', 'SOME_STATUS_LEAN_ADDS_LATER'])('%s is failed', async (status) => {
    answerAccounts(`{"status":"${status}",${base}}`);
    expect(await lean.accounts(ENTITY_ID)).toMatchObject({ kind: 'failed', status, resultsId: '516adc40-af36-4284-bfba-46ec69dfe6d3' });
  });
});

describe('error bodies', () => {
  it.each([
    [ACCOUNTS_REQUEST.KSA, 400, 'INVALID_PARAMETERS', () => lean.accounts(ENTITY_ID), '/data/v2/accounts'],
    [ACCOUNTS_REQUEST.KSA, 404, 'UNKNOWN_ENTITY', () => lean.accounts(ENTITY_ID), '/data/v2/accounts'],
    ['Get identity', 404, 'UNKNOWN_ENTITY', () => lean.identity(ENTITY_ID), '/data/v2/identity'],
    ['Get Transactions', 404, 'UNKNOWN_ACCOUNT', () => lean.transactions(ENTITY_ID, ACCOUNT_ID, WINDOW), ACCOUNT_PATH],
    ['Get Balances', 404, 'UNKNOWN_ACCOUNT', () => lean.balance(ENTITY_ID, ACCOUNT_ID), BALANCE_PATH],
    ['Get Results', 404, 'UNKNOWN_RESULTS_ID', () => lean.results('516adc40-af36-4284-bfba-46ec69dfe6d3', 'balance'), /^\/data\/v2\/results\//],
  ] as const)('%s %i is LeanApiError %s, sent once, naming neither Lean\'s message nor an id', async (request, status, leanStatus, call, path) => {
    const body = postmanSample('KSA', request, status);
    double.answer('GET', path, () => ({ status, body }));
    const error = await rejection(call());
    expect(error).toBeInstanceOf(LeanApiError);
    expect(error).toMatchObject({ httpStatus: status, leanStatus, retryable: false });
    const message = (error as Error).message;
    expect(message).not.toContain(ENTITY_ID);
    expect(message).not.toContain(ACCOUNT_ID);
    expect(message).not.toContain((JSON.parse(body) as { message: string }).message);
    expect(double.apiRequests).toHaveLength(1);
  });

  it('500 INTERNAL_SERVER_ERROR on a read is retried, then LeanApiError (retryable)', async () => {
    double.answer('GET', '/data/v2/accounts', () => ({ status: 500, body: postmanSample('KSA', 'Get Account', 500) }));
    expect(await rejection(lean.accounts(ENTITY_ID))).toMatchObject({ name: 'LeanApiError', httpStatus: 500, leanStatus: 'INTERNAL_SERVER_ERROR', retryable: true });
    expect(double.apiRequests).toHaveLength(3);
  });
});

describe('strict on money, lenient where Lean grows', () => {
  const account = (fields: string) =>
    envelope('accounts', 'accounts', [`{"account_id":"${ACCOUNT_ID}","currency":"SAR",${fields}}`], { number: 0, size: 100, totalElements: 1, totalPages: 1 });

  it('an enum value Lean adds later and fields it adds parse; missing optional fields are null', async () => {
    double.answer('GET', '/data/v2/accounts', () => ({ body: account('"account_sub_type":"CRYPTO_WALLET","status":"FROZEN","new_field":{"x":1}') }));
    expect(okData(await lean.accounts(ENTITY_ID))).toEqual([
      { id: ACCOUNT_ID, name: null, type: 'CRYPTO_WALLET', currency: 'SAR', iban: null, holderName: null, subType: 'CRYPTO_WALLET', status: 'FROZEN', openingDate: null, nickname: null },
    ]);
  });

  it.each([
    ['a string', '"12.50"'],
    ['exponent notation', '1.5e3'],
  ])('an amount as %s is a protocol error that names the field, never the value', async (_what, amount) => {
    const body = envelope(
      'balances',
      'balances',
      [`{"account_id":"${ACCOUNT_ID}","type":"INTERIM_AVAILABLE","credit_debit_indicator":"CREDIT","amount":{"currency":"SAR","amount":${amount}}}`],
      { number: 0, size: 100, totalElements: 1, totalPages: 1 },
    );
    double.answer('GET', BALANCE_PATH, () => ({ body }));
    const error = await rejection(lean.balance(ENTITY_ID, ACCOUNT_ID));
    expect(error).toBeInstanceOf(LeanProtocolError);
    expect((error as Error).message).toContain('data.balances.0.amount.amount');
    expect((error as Error).message).not.toContain(amount.replaceAll('"', ''));
  });

  it('an answer that is not JSON is a protocol error', async () => {
    double.answer('GET', '/data/v2/accounts', () => ({ body: '<html>gateway timeout</html>' }));
    expect(await rejection(lean.accounts(ENTITY_ID))).toBeInstanceOf(LeanProtocolError);
  });
});

describe('customers and entities, through /customers/v1 with the bearer', () => {
  it('creates a customer and finds it by id and by app_user_id', async () => {
    double.answer('POST', '/customers/v1/', () => ({ body: postmanSample('KSA', 'Create Customer') }));
    double.answer('GET', `/customers/v1/${CUSTOMER_ID}`, () => ({ body: postmanSample('KSA', 'Get Customer by ID') }));
    double.answer('GET', '/customers/v1/app-user-id/lean_app_user_id_1', () => ({ body: postmanSample('KSA', 'Get Customer by app_user_id') }));
    const expected = { id: CUSTOMER_ID, appUserId: 'lean_app_user_id_1' };
    expect(await lean.createCustomer('lean_app_user_id_1')).toEqual(expected);
    expect(JSON.parse(double.apiRequests[0]?.body ?? '')).toEqual({ app_user_id: 'lean_app_user_id_1' });
    expect(await lean.getCustomer(CUSTOMER_ID)).toEqual(expected);
    expect(await lean.getCustomerByAppUserId('lean_app_user_id_1')).toEqual(expected);
  });

  it('a duplicate app_user_id is LeanApiError CUSTOMER_ALREADY_EXISTS (409), sent once', async () => {
    double.answer('POST', '/customers/v1/', () => ({ status: 409, body: postmanSample('UAE', 'Create Customer', 409) }));
    expect(await rejection(lean.createCustomer('lean_app_user_id_1'))).toMatchObject({ name: 'LeanApiError', leanStatus: 'CUSTOMER_ALREADY_EXISTS', httpStatus: 409, retryable: false });
    expect(double.apiRequests).toHaveLength(1);
  });

  it.each(REGIONS)('entities (%s): the bare array, v2 fields mapped (no account type, bank type, created at, consents)', async (region) => {
    const list = postmanSample(region, 'Get Entities for Customer');
    const one = postmanSample(region, 'Get Entity by ID');
    double.answer('GET', /^\/customers\/v1\/[^/]+\/entities$/, () => ({ body: list }));
    double.answer('GET', /^\/customers\/v1\/[^/]+\/entities\/[^/]+$/, () => ({ body: one }));
    const entities = await lean.listEntities(CUSTOMER_ID);
    const sampled = JSON.parse(list) as { id: string; created_at: string; bank_identifier: string }[];
    expect(entities.map((entity) => entity.id)).toEqual(sampled.map((entity) => entity.id));
    const [first] = entities;
    expect(first).toMatchObject({
      bankIdentifier: sampled[0]?.bank_identifier,
      accountType: null,
      bankType: 'RETAIL',
      createdAt: new Date(sampled[0]?.created_at ?? ''),
      permissions: { identity: true, accounts: true, balance: true, transactions: true },
    });
    expect(first?.consents?.[0]).toMatchObject({ status: 'ACTIVE', expiresAt: expect.any(Date) as unknown });
    expect(first?.consents?.[0]?.accounts.length).toBeGreaterThan(0);
    expect(await lean.getEntity(CUSTOMER_ID, first?.id ?? '')).toMatchObject({ id: first?.id, bankType: 'RETAIL', accountType: null });
  });

  it("deletes an entity with v1's call (absent from the v2 collections) and the bearer", async () => {
    double.answer('DELETE', /^\/customers\/v1\/[^/]+\/entities\/[^/]+$/, () => ({ status: 200, body: '' }));
    await lean.deleteEntity(CUSTOMER_ID, ENTITY_ID);
    const [request] = double.apiRequests;
    expect(request).toMatchObject({ method: 'DELETE', path: `/customers/v1/${CUSTOMER_ID}/entities/${ENTITY_ID}` });
    expect(JSON.parse(request?.body ?? '')).toEqual({ reason: 'USER_REQUESTED' });
  });
});

describe('asking Lean to read the bank again', () => {
  const refreshes = (status: number) => double.answer('POST', '/data/v2/refreshes', () => ({ status, body: postmanSample('KSA', 'Trigger a Manual Data Refresh', status) }));

  it('200 is started, with the refresh id', async () => {
    refreshes(200);
    expect(await lean.requestRefresh(ENTITY_ID)).toMatchObject({ kind: 'started', refreshId: 'a7226d2e-1400-41a4-8132-c6f3a58f3847' });
    expect(JSON.parse(double.apiRequests[0]?.body ?? '')).toEqual({ entity_id: ENTITY_ID });
  });

  it("429 DUPLICATED_REQUEST is alreadyPending: sent once, and no pause of the application's other calls", async () => {
    refreshes(429);
    double.answer('GET', '/data/v2/accounts', () => ({ body: postmanSample('KSA', 'Get Account') }));
    expect(await lean.requestRefresh(ENTITY_ID)).toMatchObject({ kind: 'alreadyPending' });
    expect(double.apiRequests).toHaveLength(1);
    const started = performance.now();
    await lean.accounts(ENTITY_ID);
    expect(performance.now() - started).toBeLessThan(500); // a rate-limit pause is at least 1 s
    expect(lean.calls.count('POST /data/v2/refreshes', 'rate_limited')).toBe(0);
    expect(logs.some((line) => line.includes('calls_paused'))).toBe(false);
  });

  it("Lean's own rate limit (429 TOO_MANY_REQUESTS) still pauses every call", async () => {
    const patient = v2ClientOf(double, { retryMaxMs: 2_000 });
    let first = true;
    double.answer('POST', '/data/v2/refreshes', () => {
      if (!first) return { body: postmanSample('KSA', 'Trigger a Manual Data Refresh') };
      first = false;
      return { status: 429, headers: { 'retry-after': '1' }, body: '{"status":"TOO_MANY_REQUESTS","message":"slow down","timestamp":"2026-05-10T12:00:00Z"}' };
    });
    try {
      const started = performance.now();
      expect(await patient.lean.requestRefresh(ENTITY_ID)).toMatchObject({ kind: 'started' });
      expect(performance.now() - started).toBeGreaterThanOrEqual(900);
      expect(patient.logs.some((line) => line.includes('calls_paused'))).toBe(true);
      expect(patient.lean.calls.count('POST /data/v2/refreshes', 'rate_limited')).toBe(1);
    } finally {
      await patient.lean.close();
    }
  });

  it('403 CONSENT_EXPIRED is consentExpired; 404 UNKNOWN_ENTITY is LeanApiError', async () => {
    refreshes(403);
    expect(await lean.requestRefresh(ENTITY_ID)).toMatchObject({ kind: 'consentExpired' });
    refreshes(404);
    expect(await rejection(lean.requestRefresh(ENTITY_ID))).toMatchObject({ name: 'LeanApiError', leanStatus: 'UNKNOWN_ENTITY', httpStatus: 404 });
  });
});

describe('the Link SDK token', () => {
  it('is the customer-scoped token', async () => {
    const token = await lean.customerLinkToken(CUSTOMER_ID);
    expect(token.accessToken).toBe(double.issued[0]);
    expect(new URLSearchParams(double.tokenRequests[0]?.body).get('scope')).toBe(`customer.${CUSTOMER_ID}`);
    expect(token.expiresAt).toBeInstanceOf(Date);
    expect(lean.version).toBe('v2');
  });
});

beforeAll(() => {
  // The samples are read at test time from shared/ beside the repository: fail loudly if they are not there.
  expect(postmanSample('KSA', 'Get Account').length).toBeGreaterThan(100);
});
