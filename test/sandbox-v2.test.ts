import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestSandbox, TEST_APP_TOKEN, TEST_CLIENT_ID, TEST_CLIENT_SECRET, type TestSandbox } from './kit/sandbox.js';

const UAE_PERMISSIONS = ['identity', 'accounts', 'balance', 'transactions'];
const KSA_PERMISSIONS = [...UAE_PERMISSIONS, 'identities', 'scheduled_payments', 'standing_orders', 'direct_debits', 'beneficiaries'];
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

let lean: TestSandbox;
beforeAll(async () => {
  lean = await startTestSandbox();
});
afterAll(async () => {
  await lean?.close();
});

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

async function linked(sandbox: TestSandbox, bank: string, extra: Record<string, unknown> = {}) {
  const appUserId = `v2-${bank}-${Math.random().toString(36).slice(2)}`;
  const customer = (await sandbox.raw('POST', '/customers/v1/', { app_user_id: appUserId })).body as { customer_id: string };
  const connected = await sandbox.control<{ id: string }>('POST', '/sandbox/connect', {
    customer_id: customer.customer_id,
    bank_identifier: bank,
    permissions: bank.endsWith('_SAU') ? KSA_PERMISSIONS : UAE_PERMISSIONS,
    ...extra,
  });
  expect(connected.status).toBe(201);
  const accounts = sandbox.sandbox.state.accountsOf(connected.body.id);
  return { customerId: customer.customer_id, entityId: connected.body.id, accounts, accountId: accounts[0]?.account_id ?? '' };
}

function tokenRequest(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${lean.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
  });
}
const credentials = { client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET, grant_type: 'client_credentials' };

interface Envelope<T> {
  status: string;
  results_id: string;
  refreshed_at: string;
  /** Whichever list the endpoint answers (the others are absent). */
  data: { type: string; page: { number: number; size: number; total_elements: number; total_pages: number; sort: null }; accounts: T[]; identities: T[]; balances: T[]; transactions: T[] };
}
interface V2Transaction {
  transaction_id: string;
  credit_debit_indicator: 'CREDIT' | 'DEBIT';
  amount: { amount: number; currency: string };
  booking_date_time: string;
}
const signedAmount = (item: { credit_debit_indicator: string; amount: { amount: number } }) => (item.credit_debit_indicator === 'DEBIT' ? -item.amount.amount : item.amount.amount);

describe('OAuth2 client credentials (POST /oauth2/token)', () => {
  it('grants a bearer token of scope api or customer.<id>, an hour long as Lean’s (expires_in 3599)', async () => {
    const api = await tokenRequest({ ...credentials, scope: 'api' });
    expect(api.status).toBe(200);
    expect(api.headers.get('cache-control')).toBe('no-store');
    const body = (await api.json()) as Record<string, unknown>;
    expect(body).toEqual({ access_token: expect.any(String) as unknown, scope: 'api', token_type: 'Bearer', expires_in: 3599 });
    const { customerId } = await linked(lean, 'LEANMB1');
    const customer = (await (await tokenRequest({ ...credentials, scope: `customer.${customerId}` })).json()) as Record<string, unknown>;
    expect(customer).toMatchObject({ scope: `customer.${customerId}`, token_type: 'Bearer', expires_in: 3599 });
    expect(customer['access_token']).not.toBe(body['access_token']);
    // HTTP Basic client authentication (RFC 6749 §2.3.1) is accepted too.
    const basic = await tokenRequest({ grant_type: 'client_credentials', scope: 'api' }, { authorization: `Basic ${Buffer.from(`${TEST_CLIENT_ID}:${TEST_CLIENT_SECRET}`).toString('base64')}` });
    expect(basic.status).toBe(200);
  });

  it('refuses a wrong client id or secret (401 INVALID_CLIENT), a bad grant_type or scope (400), a form that is not one (400)', async () => {
    for (const fields of [
      { ...credentials, client_secret: 'wrong', scope: 'api' },
      { ...credentials, client_id: 'someone-else', scope: 'api' },
      { grant_type: 'client_credentials', scope: 'api' },
    ]) {
      const answer = await tokenRequest(fields);
      expect(answer.status).toBe(401);
      expect(await answer.json()).toEqual({ timestamp: expect.any(String) as unknown, status: 'INVALID_CLIENT', message: expect.any(String) as unknown, metadata: null });
    }
    for (const [fields, field] of [
      [{ ...credentials, grant_type: 'password', scope: 'api' }, 'grant_type'],
      [{ ...credentials, scope: 'data.read' }, 'scope'],
      [{ ...credentials }, 'scope'],
      [{ ...credentials, scope: 'customer.not-a-uuid' }, 'scope'],
    ] as const) {
      const answer = await tokenRequest(fields);
      expect(answer.status, JSON.stringify(fields)).toBe(400);
      expect(((await answer.json()) as { message: string }).message).toContain(`field: ${field}`);
    }
    expect((await tokenRequest({ ...credentials, scope: `customer.${UNKNOWN}` })).status).toBe(404);
    const json = await fetch(`${lean.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...credentials, scope: 'api' }) });
    expect(json.status).toBe(400);
  });

  it('a token expires after tokenTtlMs: then, like one never issued, it answers 401 INVALID_TOKEN', async () => {
    const ttlMs = 1_000;
    const short = await startTestSandbox({ tokenTtlMs: ttlMs });
    try {
      const { entityId } = await linked(short, 'LEANMB1');
      const granted = Date.now();
      const grant = (await (
        await fetch(`${short.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...credentials, scope: 'api' }) })
      ).json()) as { access_token: string; expires_in: number };
      const grantedBy = Date.now();
      expect(grant.expires_in).toBe(0);
      const read = () => short.raw('GET', `/data/v2/accounts?entity_id=${entityId}`, undefined, { 'lean-app-token': '', authorization: `Bearer ${grant.access_token}` });
      const call = (authorization: string) => fetch(`${short.url}/data/v2/accounts?entity_id=${entityId}`, { headers: { authorization } });
      const fresh = await call(`Bearer ${grant.access_token}`);
      // Asserted only when the machine answered within the lifetime (a loaded test machine may not).
      if (Date.now() - granted < ttlMs) expect(fresh.status).toBe(200);
      expect((await read()).status).toBe(400); // an empty lean-app-token is still a second credential
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, grantedBy + ttlMs + 50 - Date.now())));
      const expired = await call(`Bearer ${grant.access_token}`);
      expect(expired.status).toBe(401);
      expect(await expired.json()).toMatchObject({ status: 'INVALID_TOKEN', metadata: null });
      expect((await call('Bearer never-issued')).status).toBe(401);
      expect((await fetch(`${short.url}/data/v2/accounts?entity_id=${entityId}`)).status).toBe(401);
    } finally {
      await short.close();
    }
  });
});

describe('who may call what', () => {
  it('answers 400 INVALID_PARAMETERS with Lean’s message when both lean-app-token and Authorization are sent, on any call', async () => {
    const { entityId } = await linked(lean, 'LEANMB1');
    const token = await lean.token();
    const both = { 'lean-app-token': TEST_APP_TOKEN, authorization: `Bearer ${token}` };
    for (const [method, path, body] of [
      ['GET', `/data/v2/accounts?entity_id=${entityId}`, undefined],
      ['POST', '/data/v1/accounts', { entity_id: entityId }],
      ['POST', '/customers/v1/', { app_user_id: 'both-headers' }],
    ] as const) {
      const answer = await lean.raw(method, path, body, both);
      expect(answer.status, path).toBe(400);
      expect(answer.body).toEqual({
        timestamp: expect.any(String) as unknown,
        status: 'INVALID_PARAMETERS',
        message: "Do not supply a 'lean-app-token' header when providing an 'Authorization' header",
        metadata: null,
      });
    }
  });

  it('v2 data needs an api bearer: the app token alone is 401, a customer-scoped token 403 INSUFFICIENT_SCOPE', async () => {
    const { customerId, entityId } = await linked(lean, 'LEANMB1');
    const withAppToken = await lean.raw('GET', `/data/v2/accounts?entity_id=${entityId}`);
    expect(withAppToken.status).toBe(401);
    const customerToken = await lean.token(`customer.${customerId}`);
    for (const path of [`/data/v2/accounts?entity_id=${entityId}`, `/data/v2/refreshes?entity_id=${entityId}`, `/customers/v1/${customerId}`]) {
      const answer = await fetch(`${lean.url}${path}`, { headers: { authorization: `Bearer ${customerToken}` } });
      expect(answer.status, path).toBe(403);
      expect(await answer.json()).toMatchObject({ status: 'INSUFFICIENT_SCOPE' });
    }
  });

  it('/customers/v1 answers the app token (v1) and the api bearer (v2) alike, v2 with what its entities add; v1 data calls keep the app token', async () => {
    const { customerId, entityId } = await linked(lean, 'LEANMB2');
    const v1 = await lean.raw('GET', `/customers/v1/${customerId}/entities/${entityId}`);
    const v2 = await lean.v2('GET', `/customers/v1/${customerId}/entities/${entityId}`);
    expect(v2.status).toBe(200);
    // Lean's v2 entity (its Postman collections) adds bank_type and created_at.
    const { bank_type: bankType, created_at: createdAt, ...rest } = v2.body as Record<string, unknown>;
    expect(rest).toEqual(v1.body);
    expect(bankType).toBe('RETAIL');
    expect(createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/);
    expect((await lean.v2('GET', `/customers/v1/${customerId}/entities`)).body).toEqual([v2.body]);
    expect((await lean.v2('POST', '/customers/v1/', { app_user_id: 'created-over-v2' })).status).toBe(200);
    expect((await lean.raw('POST', '/data/v1/accounts', { entity_id: entityId })).status).toBe(200);
    expect((await lean.v2('POST', '/data/v1/accounts', { entity_id: entityId })).status).toBe(401);
  });
});

describe('v2 reads: the same data as v1', () => {
  it('accounts, identity and balance agree with v1; the headline balance is v1’s', async () => {
    for (const bank of ['LEANMB1', 'LEA1_SAMAOB_SAU']) {
      const { entityId, accounts } = await linked(lean, bank);
      const v1Accounts = (await lean.raw('POST', '/data/v1/accounts', { entity_id: entityId })).body as { payload: { accounts: { account_id: string; iban: string; name: string; currency_code: string }[] } };
      const v2Accounts = (await lean.v2('GET', `/data/v2/accounts?entity_id=${entityId}`)).body as Envelope<{ account_id: string; currency: string; nickname: string; account: { scheme_name: string; identification: string }[] }>;
      expect(v2Accounts.data.accounts.map((a) => [a.account_id, a.account.find((id) => id.scheme_name === 'IBAN')?.identification, a.nickname, a.currency])).toEqual(
        v1Accounts.payload.accounts.map((a) => [a.account_id, a.iban, a.name, a.currency_code]),
      );
      const v1Identity = (await lean.raw('POST', '/data/v1/identity', { entity_id: entityId })).body as { payload: { full_name: string; mobile_number: string; email_address: string; birth_date: string; national_identity_number: string; address: string } };
      const [v2Identity] = ((await lean.v2('GET', `/data/v2/identity?entity_id=${entityId}`)).body as Envelope<Record<string, unknown>>).data.identities;
      expect(v2Identity).toMatchObject({
        full_legal_name: v1Identity.payload.full_name,
        mobile_number: v1Identity.payload.mobile_number,
        email_address: v1Identity.payload.email_address,
        birth_date: v1Identity.payload.birth_date,
        national_id: v1Identity.payload.national_identity_number,
        address: { address_line: v1Identity.payload.address },
      });
      for (const account of accounts) {
        const v1Balance = ((await lean.raw('POST', '/v1/balance', { entity_id: entityId, account_id: account.account_id })).body as { payload: { balance: number } }).payload.balance;
        const balances = ((await lean.v2('GET', `/data/v2/accounts/${account.account_id}/balances?entity_id=${entityId}`)).body as Envelope<{ type: string; credit_debit_indicator: string; amount: { amount: number } }>).data.balances;
        expect(balances.map((b) => b.type).sort()).toHaveLength(13);
        const headline = ['INTERIM_AVAILABLE', 'CLOSING_AVAILABLE', 'INTERIM_BOOKED', 'CLOSING_BOOKED', 'EXPECTED'].map((type) => balances.find((b) => b.type === type)).find(Boolean);
        expect(headline?.type).toBe('INTERIM_AVAILABLE');
        expect(headline === undefined ? undefined : signedAmount(headline)).toBe(v1Balance);
        expect(balances.every((b) => b.amount.amount >= 0)).toBe(true);
      }
    }
  });

  it('transactions: v1’s, with the same signed amounts, oldest first, within start_date and end_date', async () => {
    const { entityId, accountId } = await linked(lean, 'LEANMB2');
    const range = { start_date: day(-60), end_date: day(-20) };
    const v1 = ((await lean.raw('POST', '/v1/transactions', { entity_id: entityId, account_id: accountId, ...range })).body as { payload: { transactions: { id: string; amount: number; timestamp: string }[] } }).payload.transactions;
    const v2 = (await lean.v2('GET', `/data/v2/accounts/${accountId}/transactions?entity_id=${entityId}&start_date=${range.start_date}&end_date=${range.end_date}&size=500`)).body as Envelope<V2Transaction>;
    expect(v1.length).toBeGreaterThan(20);
    expect(v2.data.page.total_elements).toBe(v1.length);
    const byId = new Map(v2.data.transactions.map((t) => [t.transaction_id, t]));
    for (const transaction of v1) {
      const twin = byId.get(transaction.id);
      expect(twin === undefined ? undefined : signedAmount(twin), transaction.id).toBe(transaction.amount);
      expect(twin?.booking_date_time).toBe(transaction.timestamp);
    }
    const dates = v2.data.transactions.map((t) => t.booking_date_time);
    expect(dates).toEqual([...dates].sort());
    expect(dates.every((d) => d.slice(0, 10) >= range.start_date && d.slice(0, 10) <= range.end_date)).toBe(true);
    expect(v2.data.transactions.every((t) => t.amount.amount > 0)).toBe(true);
    // insights=true gives each transaction v1's insights object instead of null.
    const withInsights = (await lean.v2('GET', `/data/v2/accounts/${accountId}/transactions?entity_id=${entityId}&start_date=${range.start_date}&end_date=${range.end_date}&size=3&insights=true`)).body as Envelope<{ insights: unknown }>;
    expect(withInsights.data.transactions[0]?.insights).toEqual(expect.objectContaining({ category: expect.any(String) as unknown, description_cleansed: expect.any(String) as unknown }));
    expect(v2.data.transactions.every((t) => (t as V2Transaction & { insights: unknown }).insights === null)).toBe(true);
    // Without dates: everything Lean holds, three years up to today.
    const all = (await lean.v2('GET', `/data/v2/accounts/${accountId}/transactions?entity_id=${entityId}&size=1`)).body as Envelope<V2Transaction>;
    expect(all.data.page.total_elements).toBeGreaterThan(1000);
    expect((all.data.transactions[0]?.booking_date_time ?? '').slice(0, 10) >= day(-3 * 366)).toBe(true);
  });

  it('pages from 0: size, total_elements, total_pages, a short last page and an empty one beyond it', async () => {
    const { entityId, accountId } = await linked(lean, 'LEANMB1');
    const base = `/data/v2/accounts/${accountId}/transactions?entity_id=${entityId}&start_date=${day(-40)}&end_date=${day(-10)}`;
    const whole = ((await lean.v2('GET', `${base}&size=500`)).body as Envelope<V2Transaction>).data;
    const total = whole.page.total_elements;
    expect(total).toBeGreaterThan(14);
    const size = 7;
    const pages = Math.ceil(total / size);
    const seen: string[] = [];
    for (let page = 0; page < pages; page++) {
      const answer = ((await lean.v2('GET', `${base}&page=${page}&size=${size}`)).body as Envelope<V2Transaction>).data;
      expect(answer.page).toEqual({ number: page, size, total_elements: total, total_pages: pages, sort: null });
      expect(answer.transactions).toHaveLength(page === pages - 1 ? total - size * (pages - 1) : size);
      seen.push(...answer.transactions.map((t) => t.transaction_id));
    }
    expect(seen).toEqual(whole.transactions.map((t) => t.transaction_id));
    const beyond = ((await lean.v2('GET', `${base}&page=${pages}&size=${size}`)).body as Envelope<V2Transaction>).data;
    expect(beyond.transactions).toEqual([]);
    expect(beyond.page).toMatchObject({ number: pages, total_elements: total });
    const defaults = ((await lean.v2('GET', `/data/v2/accounts?entity_id=${entityId}`)).body as Envelope<unknown>).data.page;
    expect(defaults).toMatchObject({ number: 0, size: 50, total_pages: 1 });
  });
});

describe('v2 error bodies (Lean’s samples: results_id on all but CONSENT_EXPIRED and DUPLICATED_REQUEST)', () => {
  const errorKeys = (withResultsId: boolean) => (withResultsId ? ['message', 'metadata', 'results_id', 'status', 'timestamp'] : ['message', 'metadata', 'status', 'timestamp']);

  it('400 INVALID_PARAMETERS names the bad parameter: entity_id, account_id, page, size, dates', async () => {
    const { entityId, accountId } = await linked(lean, 'LEANMB1');
    const cases: [string, string][] = [
      ['/data/v2/accounts', 'entity_id'],
      ['/data/v2/accounts?entity_id=e34d8e49-9af2-4252-a53e-bd2df855134', 'entity_id'],
      [`/data/v2/accounts?entity_id=${entityId}&page=-1`, 'page'],
      [`/data/v2/accounts?entity_id=${entityId}&page=one`, 'page'],
      [`/data/v2/accounts?entity_id=${entityId}&size=0`, 'size'],
      [`/data/v2/accounts?entity_id=${entityId}&size=501`, 'size'],
      [`/data/v2/accounts/not-an-account/balances?entity_id=${entityId}`, 'account_id'],
      [`/data/v2/accounts/${accountId}/transactions?entity_id=${entityId}&start_date=2024-02-30`, 'start_date'],
      [`/data/v2/accounts/${accountId}/transactions?entity_id=${entityId}&end_date=01/02/2024`, 'end_date'],
      [`/data/v2/accounts/${accountId}/transactions?entity_id=${entityId}&start_date=2024-03-01&end_date=2024-02-01`, 'start_date'],
      [`/data/v2/identity?entity_id=${entityId}&async=maybe`, 'async'],
    ];
    for (const [path, field] of cases) {
      const answer = await lean.v2('GET', path);
      expect(answer.status, path).toBe(400);
      expect(Object.keys(answer.body as object).sort(), path).toEqual(errorKeys(true));
      expect(answer.body, path).toMatchObject({ status: 'INVALID_PARAMETERS' });
      expect((answer.body as { message: string }).message, path).toMatch(new RegExp(`^The request is badly formatted or a parameter of the wrong type has been provided, field: ${field}, value: `));
    }
    expect((await lean.v2('POST', '/data/v2/refreshes', { entity_id: 'nope' })).status).toBe(400);
  });

  it('404 UNKNOWN_ENTITY, UNKNOWN_ACCOUNT, UNKNOWN_RESULTS_ID; 403 CONSENT_EXPIRED; 500 through the fault API', async () => {
    const { entityId, accountId } = await linked(lean, 'LEA2_SAMAOB_SAU', { access_to: new Date(Date.now() + 30 * 86_400_000).toISOString() });
    const expectError = async (path: string, status: number, leanStatus: string, withResultsId: boolean, method = 'GET', body?: unknown) => {
      const answer = await lean.v2(method, path, body);
      expect(answer.status, path).toBe(status);
      expect(answer.body, path).toMatchObject({ status: leanStatus, metadata: null });
      expect(Object.keys(answer.body as object).sort(), path).toEqual(errorKeys(withResultsId));
    };
    await expectError(`/data/v2/accounts?entity_id=${UNKNOWN}`, 404, 'UNKNOWN_ENTITY', true);
    await expectError(`/data/v2/identity?entity_id=${UNKNOWN}`, 404, 'UNKNOWN_ENTITY', true);
    await expectError(`/data/v2/refreshes?entity_id=${UNKNOWN}`, 404, 'UNKNOWN_ENTITY', true);
    await expectError('/data/v2/refreshes', 404, 'UNKNOWN_ENTITY', true, 'POST', { entity_id: UNKNOWN });
    for (const dataset of ['balances', 'transactions', 'beneficiaries', 'identities', 'direct-debits', 'scheduled-payments', 'standing-orders']) {
      await expectError(`/data/v2/accounts/${UNKNOWN}/${dataset}?entity_id=${entityId}`, 404, 'UNKNOWN_ACCOUNT', true);
    }
    await expectError(`/data/v2/results/${UNKNOWN}`, 404, 'UNKNOWN_RESULTS_ID', true);
    await expectError('/data/v2/results/not-a-results-id', 404, 'UNKNOWN_RESULTS_ID', true);

    await lean.control('POST', '/sandbox/faults', { path: '/data/v2/accounts', status: 500, count: 1 });
    await expectError(`/data/v2/accounts?entity_id=${entityId}`, 500, 'INTERNAL_SERVER_ERROR', true);
    expect((await lean.v2('GET', `/data/v2/accounts?entity_id=${entityId}`)).status).toBe(200);

    expect((await lean.control('POST', `/sandbox/entities/${entityId}/revoke-consent`)).status).toBe(200);
    await expectError(`/data/v2/accounts/${accountId}/transactions?entity_id=${entityId}`, 403, 'CONSENT_EXPIRED', false);
    await expectError('/data/v2/refreshes', 403, 'CONSENT_EXPIRED', false, 'POST', { entity_id: entityId });
  });

  it('400 UNSUPPORTED for a KSA dataset in the UAE; 403 PERMISSION_NOT_GRANTED for a dataset the entity was not linked with; 400 UNSUPPORTED_ACCOUNT_TYPE for identity of a business', async () => {
    const uae = await linked(lean, 'LEANMB1');
    for (const path of ['beneficiaries', 'direct-debits', 'scheduled-payments', 'standing-orders', 'identities']) {
      const answer = await lean.v2('GET', `/data/v2/accounts/${uae.accountId}/${path}?entity_id=${uae.entityId}`);
      expect(answer.status, path).toBe(400);
      expect(answer.body, path).toMatchObject({ status: 'UNSUPPORTED', results_id: expect.any(String) as unknown, metadata: null });
    }
    const ksa = await linked(lean, 'LEA1_SAMAOB_SAU', { permissions: ['identity', 'accounts', 'balance', 'transactions'] });
    const beneficiaries = await lean.v2('GET', `/data/v2/accounts/${ksa.accountId}/beneficiaries?entity_id=${ksa.entityId}`);
    expect(beneficiaries.status).toBe(403);
    expect(beneficiaries.body).toMatchObject({ status: 'PERMISSION_NOT_GRANTED' });
    const customer = (await lean.raw('POST', '/customers/v1/', { app_user_id: 'v2-business' })).body as { customer_id: string };
    const business = await lean.control<{ id: string }>('POST', '/sandbox/connect', { customer_id: customer.customer_id, bank_identifier: 'LEA1_SAMAOB_SAU', permissions: ['identity', 'accounts'], account_type: 'BUSINESS' });
    const identity = await lean.v2('GET', `/data/v2/identity?entity_id=${business.body.id}`);
    expect(identity.status).toBe(400);
    expect(identity.body).toMatchObject({ status: 'UNSUPPORTED_ACCOUNT_TYPE' });
  });
});

describe('the asynchronous bank and the bank whose sessions expire, on v2', () => {
  it('LEANMB3_ASYNC: transactions answer PENDING with a results_id; results.ready follows; GET /data/v2/results gives the v2 envelope', async () => {
    const slow = await startTestSandbox({ resultsDelayMs: 1_000 });
    try {
      const { entityId, accountId } = await linked(slow, 'LEANMB3_ASYNC');
      const path = `/data/v2/accounts/${accountId}/transactions?entity_id=${entityId}&start_date=${day(-30)}&end_date=${day(-1)}&size=5`;
      const pending = await slow.v2('GET', path);
      expect(pending.status).toBe(200);
      expect(pending.body).toEqual({
        status: 'PENDING',
        results_id: expect.any(String) as unknown,
        message: 'Please wait for a webhook or try again later.',
        meta: null,
        timestamp: expect.any(String) as unknown,
        status_detail: null,
        data: null,
      });
      const resultsId = (pending.body as { results_id: string }).results_id;
      const asked = Date.now();
      const early = await slow.v2('GET', `/data/v2/results/${resultsId}`);
      if (Date.now() - asked < 1_000) expect(early.status).toBe(404);
      await eventually(() => slow.sandbox.webhooks.some((w) => w.type === 'results.ready' && w.body.includes(resultsId)));
      const results = await slow.v2('GET', `/data/v2/results/${resultsId}`);
      expect(results.status).toBe(200);
      expect(results.body).toMatchObject({ status: 'OK', results_id: resultsId, type: 'transactions', data: { type: 'transactions', page: { size: 5, number: 0 } } });
      expect((results.body as Envelope<V2Transaction>).data.transactions).toHaveLength(5);
      // A v2 results_id is not v1's, and the other calls of the bank answer at once.
      expect((await slow.raw('GET', `/v1/results/${resultsId}`)).status).toBe(404);
      expect(((await slow.v2('GET', `/data/v2/accounts?entity_id=${entityId}`)).body as { status: string }).status).toBe('OK');
      // async=true takes the asynchronous flow on any bank.
      const asynchronous = await slow.v2('GET', `/data/v2/accounts?entity_id=${entityId}&async=true`);
      expect((asynchronous.body as { status: string }).status).toBe('PENDING');
    } finally {
      await slow.close();
    }
  });

  it('LEANMB4_OTP: after the session, RECONNECT_REQUIRED with data.reconnect_id; the reconnect sends entity.reconnected and results.ready', async () => {
    const sessionTtlMs = 1_000;
    const otp = await startTestSandbox({ sessionTtlMs });
    try {
      const linkedAt = Date.now();
      const { entityId, accountId } = await linked(otp, 'LEANMB4_OTP');
      const linkedBy = Date.now();
      const path = `/data/v2/accounts/${accountId}/balances?entity_id=${entityId}`;
      const during = await otp.v2('GET', path);
      // Asserted only when the machine answered within the session (a loaded test machine may not).
      if (Date.now() - linkedAt < sessionTtlMs) expect((during.body as { status: string }).status).toBe('OK');
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, linkedBy + sessionTtlMs + 50 - Date.now())));
      const reconnect = await otp.v2('GET', path);
      expect(reconnect.body).toEqual({
        status: 'RECONNECT_REQUIRED',
        results_id: expect.any(String) as unknown,
        message: 'User input is required to reconnect with the bank',
        meta: null,
        timestamp: expect.any(String) as unknown,
        status_detail: null,
        data: { reconnect_id: expect.any(String) as unknown, type: 'reconnect' },
      });
      const { results_id: resultsId, data } = reconnect.body as { results_id: string; data: { reconnect_id: string } };
      const second = (await otp.v2('GET', `/data/v2/accounts?entity_id=${entityId}`)).body as { results_id: string; data: { reconnect_id: string } };
      expect(second.data.reconnect_id).toBe(data.reconnect_id);
      // Lean's v2 guide passes the results_id to Lean.reconnect: the emulator takes it as well as the reconnect_id.
      const done = await otp.control<{ results_ids: string[] }>('POST', `/sandbox/reconnect/${second.results_id}`);
      expect(done.status).toBe(200);
      expect(done.body.results_ids.sort()).toEqual([resultsId, second.results_id].sort());
      const types = otp.sandbox.webhooks.map((w) => w.type);
      expect(types.slice(types.indexOf('entity.reconnected'))).toEqual(['entity.reconnected', 'results.ready', 'results.ready']);
      const results = await otp.v2('GET', `/data/v2/results/${resultsId}`);
      expect(results.body).toMatchObject({ status: 'OK', results_id: resultsId, type: 'balances' });
      expect((results.body as Envelope<unknown>).data.balances).toHaveLength(13);
      expect(((await otp.v2('GET', path)).body as { status: string }).status).toBe('OK');
    } finally {
      await otp.close();
    }
  });
});

describe('GET /sandbox/stats', () => {
  it('counts v2 calls and token requests by their templates', async () => {
    const counted = await startTestSandbox();
    try {
      const { entityId, accountId } = await linked(counted, 'LEANMB1');
      await counted.control('DELETE', '/sandbox/stats');
      await counted.v2('GET', `/data/v2/accounts?entity_id=${entityId}`);
      await counted.v2('GET', `/data/v2/accounts?entity_id=${entityId}&page=1`);
      await counted.v2('GET', `/data/v2/accounts/${accountId}/transactions?entity_id=${entityId}`);
      await counted.v2('GET', `/data/v2/accounts/${accountId}/balances?entity_id=${entityId}`);
      await counted.v2('GET', `/data/v2/identity?entity_id=${entityId}`);
      const refresh = (await counted.v2('GET', `/data/v2/refreshes?entity_id=${entityId}`)).body as { content: { refresh_id: string }[] };
      await counted.v2('GET', `/data/v2/refreshes/${refresh.content[0]?.refresh_id ?? ''}`);
      await counted.v2('GET', `/data/v2/results/${UNKNOWN}`);
      await counted.token();
      const stats = await counted.control<{ calls: Record<string, number>; total: number }>('GET', '/sandbox/stats');
      expect(stats.body.calls).toEqual({
        'GET /data/v2/accounts': 2,
        'GET /data/v2/accounts/{account_id}/balances': 1,
        'GET /data/v2/accounts/{account_id}/transactions': 1,
        'GET /data/v2/identity': 1,
        'GET /data/v2/refreshes': 1,
        'GET /data/v2/refreshes/{refresh_id}': 1,
        'GET /data/v2/results/{results_id}': 1,
        // One token for counted.v2's calls, one asked for here.
        'POST /oauth2/token': 2,
      });
      expect(stats.body.total).toBe(10);
    } finally {
      await counted.close();
    }
  });
});
