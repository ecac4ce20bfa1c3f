import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeanResult } from '../src/model/results.js';
import { LeanApiError, LeanUnavailableError } from '../src/model/upstream-errors.js';
import { transaction } from '../src/lean/wire.js';
import { eventually, startTestSandbox, TEST_APP_TOKEN, type TestSandbox } from './kit/sandbox.js';

let lean: TestSandbox;
beforeAll(async () => {
  lean = await startTestSandbox();
});
afterAll(async () => {
  await lean?.close();
});

const rejection = async (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);
function okData<T>(result: LeanResult<T>): T {
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${result.kind}`);
  return result.data;
}

let counter = 0;
async function linkedEntity(bank = 'LEANMB1', extra: Record<string, unknown> = {}) {
  const customer = await lean.lean.createCustomer(`client-test-user-${++counter}`);
  const connected = await lean.control<{ id: string }>('POST', '/sandbox/connect', {
    customer_id: customer.id,
    bank_identifier: bank,
    permissions: ['identity', 'accounts', 'balance', 'transactions'],
    ...extra,
  });
  expect(connected.status).toBe(201);
  return { customer, entityId: connected.body.id };
}

describe('customers', () => {
  it('creates a customer and finds it by id and by app_user_id', async () => {
    const created = await lean.lean.createCustomer('customer-a');
    expect(created.appUserId).toBe('customer-a');
    expect(await lean.lean.getCustomer(created.id)).toEqual(created);
    expect(await lean.lean.getCustomerByAppUserId('customer-a')).toEqual(created);
  });

  it('a duplicate app_user_id is a typed CUSTOMER_ALREADY_EXISTS (409), sent once', async () => {
    await lean.lean.createCustomer('customer-dup');
    const before = lean.lean.calls.count('POST /customers/v1');
    const error = await rejection(lean.lean.createCustomer('customer-dup'));
    expect(error).toBeInstanceOf(LeanApiError);
    expect(error).toMatchObject({ leanStatus: 'CUSTOMER_ALREADY_EXISTS', httpStatus: 409, retryable: false });
    expect(lean.lean.calls.count('POST /customers/v1')).toBe(before + 1);
  });

  it('an unknown customer is UNKNOWN_CUSTOMER (404); a malformed id is INVALID_PARAMETERS (400)', async () => {
    expect(await rejection(lean.lean.getCustomer('00000000-0000-4000-8000-000000000000'))).toMatchObject({ leanStatus: 'UNKNOWN_CUSTOMER', httpStatus: 404 });
    expect(await rejection(lean.lean.getCustomer('not-a-uuid'))).toMatchObject({ leanStatus: 'INVALID_PARAMETERS', httpStatus: 400 });
    expect(await rejection(lean.lean.getCustomerByAppUserId('nobody'))).toMatchObject({ leanStatus: 'UNKNOWN_CUSTOMER' });
  });

  it('creating a customer is never retried blindly, even on a 500, and says so', async () => {
    await lean.control('POST', '/sandbox/faults', { path: '/customers/v1', status: 500, count: 1 });
    const before = lean.lean.calls.count('POST /customers/v1');
    const error = await rejection(lean.lean.createCustomer('customer-500'));
    // Whether the customer exists is unknown: a lookup by app_user_id settles it, a repeat does not.
    expect(error).toMatchObject({ httpStatus: 500, retryable: false });
    expect(lean.lean.calls.count('POST /customers/v1')).toBe(before + 1);
  });
});

describe('entities', () => {
  it('lists, gets and deletes the entities of a customer', async () => {
    const { customer, entityId } = await linkedEntity();
    const listed = await lean.lean.listEntities(customer.id);
    expect(listed.map((e) => e.id)).toEqual([entityId]);
    const entity = await lean.lean.getEntity(customer.id, entityId);
    // v1 entities carry no bank type or creation time: null in the model.
    expect(entity).toMatchObject({
      id: entityId,
      customerId: customer.id,
      bankIdentifier: 'LEANMB1',
      permissions: { identity: true, beneficiaries: false },
      bankType: null,
      createdAt: null,
    });

    await lean.lean.deleteEntity(customer.id, entityId);
    expect(await rejection(lean.lean.getEntity(customer.id, entityId))).toMatchObject({ leanStatus: 'UNKNOWN_ENTITY', httpStatus: 404 });
    expect(await lean.lean.listEntities(customer.id)).toEqual([]);
  });

  it('a KSA entity carries its SAMA consent with the requested window', async () => {
    const customer = await lean.lean.createCustomer('ksa-user');
    const accessTo = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();
    const connected = await lean.control<{ id: string }>('POST', '/sandbox/connect', {
      customer_id: customer.id,
      bank_identifier: 'LEA1_SAMAOB_SAU',
      permissions: ['accounts', 'balance', 'transactions', 'beneficiaries'],
      access_from: '2025-01-01T00:00:00',
      access_to: accessTo,
    });
    const entity = await lean.lean.getEntity(customer.id, connected.body.id);
    expect(entity.accountType).toBe('PERSONAL');
    expect(entity.consents?.[0]).toMatchObject({
      status: 'ACTIVE',
      transactionsFrom: new Date('2024-12-31T21:00:00.000Z'), // zone-less means KSA time, UTC+03:00
      expiresAt: new Date(accessTo),
      permissions: { beneficiaries: true, identity: false },
    });
    expect(entity.consents?.[0]?.accounts[0]?.identification).toMatch(/^SA\d{2}/);
  });
});

describe('data', () => {
  it('answers identity, accounts, balance and transactions with typed data', async () => {
    const { entityId } = await linkedEntity();
    const identity = okData(await lean.lean.identity(entityId));
    expect(identity.fullName).toEqual(expect.any(String));
    const accounts = okData(await lean.lean.accounts(entityId));
    expect(accounts.length).toBeGreaterThanOrEqual(1);
    const account = accounts[0];
    if (account === undefined) throw new Error('no account');
    // Fields only v2 carries are null from v1.
    expect(account).toMatchObject({ currency: 'AED', type: 'Checkings', holderName: null, subType: null, status: null, openingDate: null, nickname: null });

    const balance = okData(await lean.lean.balance(entityId, account.id));
    expect(balance.amount).toMatch(/^-?\d+(\.\d{1,2})?$/); // a decimal string, never a float
    expect(balance).toMatchObject({ currency: 'AED', type: null, breakdown: [] });

    const withInsights = okData(await lean.lean.transactions(entityId, account.id, { startDate: '2025-01-01', endDate: '2025-03-31', insights: true }));
    expect(withInsights.length).toBeGreaterThan(10);
    expect(withInsights.every((t) => typeof t.amount === 'string' && t.timestamp instanceof Date && t.insights?.category && t.details === null)).toBe(true);
    const plain = okData(await lean.lean.transactions(entityId, account.id, { startDate: '2025-01-01', endDate: '2025-03-31', insights: false }));
    expect(plain.map((t) => t.id)).toEqual(withInsights.map((t) => t.id));
    expect(plain.every((t) => t.insights === null)).toBe(true);
  });

  it('a category Lean adds later parses instead of failing', () => {
    const parsed = transaction.parse({
      id: 't1',
      description: 'X',
      amount: -12.5,
      currency_code: 'AED',
      pending: false,
      timestamp: '2025-01-01T00:00:00Z',
      insights: { description_cleansed: 'X', category: 'CRYPTO_ASSETS', category_confidence: 0.9, type: 'NEW_TYPE', type_confidence: 1 },
    });
    expect(parsed).toMatchObject({ amount: '-12.5', insights: { category: 'CRYPTO_ASSETS' } });
  });

  it('an unknown entity is a typed UNKNOWN_ENTITY and is not retried', async () => {
    const before = lean.lean.calls.count('POST /data/v1/accounts');
    const error = await rejection(lean.lean.accounts('00000000-0000-4000-8000-000000000001'));
    expect(error).toBeInstanceOf(LeanApiError);
    expect(error).toMatchObject({ leanStatus: 'UNKNOWN_ENTITY', httpStatus: 404, retryable: false, correlationId: expect.any(String) as unknown });
    expect(lean.lean.calls.count('POST /data/v1/accounts')).toBe(before + 1);
  });

  it('an unknown account is UNKNOWN_ACCOUNT; bad dates are INVALID_PARAMETERS', async () => {
    const { entityId } = await linkedEntity();
    const unknownAccount = '00000000-0000-4000-8000-000000000002';
    expect(await rejection(lean.lean.balance(entityId, unknownAccount))).toMatchObject({ leanStatus: 'UNKNOWN_ACCOUNT', httpStatus: 404 });
    const account = okData(await lean.lean.accounts(entityId))[0]?.id ?? '';
    for (const [startDate, endDate] of [['2025-02-30', '2025-03-01'], ['2025-03-10', '2025-03-01'], ['yesterday', '2025-03-01']] as const) {
      expect(await rejection(lean.lean.transactions(entityId, account, { startDate, endDate, insights: false }))).toMatchObject({
        leanStatus: 'INVALID_PARAMETERS',
        httpStatus: 400,
      });
    }
  });

  it('identity of a BUSINESS entity is refused', async () => {
    const customer = await lean.lean.createCustomer('business-user');
    const connected = await lean.control<{ id: string }>('POST', '/sandbox/connect', {
      customer_id: customer.id,
      bank_identifier: 'LEA2_SAMAOB_SAU',
      permissions: ['identity', 'accounts'],
      account_type: 'BUSINESS',
    });
    expect(await rejection(lean.lean.identity(connected.body.id))).toMatchObject({ leanStatus: 'UNSUPPORTED_ACCOUNT_TYPE', httpStatus: 400 });
  });

  it('PENDING gives a results_id; results.ready follows and /v1/results answers the data', async () => {
    const { entityId } = await linkedEntity('LEANMB3_ASYNC');
    const account = okData(await lean.lean.accounts(entityId))[0]?.id ?? '';
    const pending = await lean.lean.transactions(entityId, account, { startDate: '2025-01-01', endDate: '2025-01-31', insights: true });
    if (pending.kind !== 'pending') throw new Error(`expected pending, got ${pending.kind}`);
    expect(await rejection(lean.lean.results(pending.resultsId, 'transactions'))).toMatchObject({ leanStatus: 'UNKNOWN_RESULTS_ID' });
    await eventually(() => lean.sandbox.webhooks.find((w) => w.type === 'results.ready' && w.body.includes(pending.resultsId)));
    const ready = okData(await lean.lean.results(pending.resultsId, 'transactions'));
    expect(ready.length).toBeGreaterThan(0);
  });

  it('RECONNECT_REQUIRED gives reconnect_id and results_id; after the reconnect, entity.reconnected then results.ready', async () => {
    const { entityId } = await linkedEntity();
    await lean.control('POST', `/sandbox/entities/${entityId}/expire-session`);
    const answer = await lean.lean.accounts(entityId);
    if (answer.kind !== 'reconnectRequired') throw new Error(`expected reconnectRequired, got ${answer.kind}`);
    const reconnected = await lean.control('POST', `/sandbox/reconnect/${answer.reconnectId}`);
    expect(reconnected.status).toBe(200);
    // (the link's own refresh may finish, and send its webhook, at any point in between)
    const types = lean.sandbox.webhooks
      .filter((w) => (w.body.includes(entityId) || w.body.includes(answer.resultsId)) && w.type !== 'entity.data.refresh.updated')
      .map((w) => w.type);
    expect(types.slice(-2)).toEqual(['entity.reconnected', 'results.ready']);
    expect(okData(await lean.lean.results(answer.resultsId, 'accounts')).length).toBeGreaterThan(0);
    expect((await lean.lean.accounts(entityId)).kind).toBe('ok'); // the session is fresh again
  });

  it('the bank whose sessions expire asks for a reconnect once its session is over', async () => {
    const short = await startTestSandbox({ sessionTtlMs: 1 });
    try {
      const customer = await short.lean.createCustomer('otp-user');
      const connected = await short.control<{ id: string }>('POST', '/sandbox/connect', { customer_id: customer.id, bank_identifier: 'LEANMB4_OTP', permissions: ['accounts'] });
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect((await short.lean.accounts(connected.body.id)).kind).toBe('reconnectRequired');
    } finally {
      await short.close();
    }
  });

  it('a revoked consent answers consentExpired', async () => {
    const { entityId } = await linkedEntity();
    await lean.control('POST', `/sandbox/entities/${entityId}/revoke-consent`);
    expect((await lean.lean.accounts(entityId)).kind).toBe('consentExpired');
    // (the link's own refresh may finish, and send its webhook, after the revocation)
    expect(lean.sandbox.webhooks.filter((sent) => sent.body.includes(entityId)).map((sent) => sent.type)).toContain('entity.updated');
  });

  it('a wrong app token is a typed 401', async () => {
    const response = await lean.raw('POST', '/customers/v1/', { app_user_id: 'x' }, { 'lean-app-token': 'wrong' });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ status: 'INVALID_TOKEN' });
  });
});

describe('resilience', () => {
  it('three 500s then success: the read succeeds after retries', async () => {
    const { entityId } = await linkedEntity();
    await lean.control('DELETE', '/sandbox/stats');
    await lean.control('POST', '/sandbox/faults', { path: '/data/v1/accounts', status: 500, count: 3 });
    expect((await lean.lean.accounts(entityId)).kind).toBe('ok');
    const stats = await lean.control<{ calls: Record<string, number> }>('GET', '/sandbox/stats');
    expect(stats.body.calls['POST /data/v1/accounts']).toBe(4);
  });

  it('four 500s: the read fails with a retryable typed error after the last retry', async () => {
    const { entityId } = await linkedEntity();
    await lean.control('POST', '/sandbox/faults', { path: '/data/v1/accounts', status: 503, count: 4 });
    expect(await rejection(lean.lean.accounts(entityId))).toMatchObject({ httpStatus: 503, retryable: true });
  });

  it("honours 429's Retry-After before trying again", async () => {
    const { entityId } = await linkedEntity();
    await lean.control('POST', '/sandbox/faults', { path: '/data/v1/identity', status: 429, retry_after_s: 1, count: 1 });
    const started = Date.now();
    expect((await lean.lean.identity(entityId)).kind).toBe('ok');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(lean.lean.calls.count('POST /data/v1/identity', 'rate_limited')).toBeGreaterThanOrEqual(1);
  });

  it('a dropped connection is retried', async () => {
    const { entityId } = await linkedEntity();
    await lean.control('POST', '/sandbox/faults', { path: '/data/v1/accounts', drop: true, count: 1 });
    expect((await lean.lean.accounts(entityId)).kind).toBe('ok');
  });

  it('a call slower than LEAN_TIMEOUT_MS times out, is retried, then fails as unavailable', async () => {
    const slow = await startTestSandbox({}, { timeoutMs: 200, maxRetries: 1 });
    try {
      const customer = await slow.lean.createCustomer('slow-user');
      await slow.control('POST', '/sandbox/faults', { path: '/customers/v1/', latency_ms: 1_000, count: 2 });
      const error = await rejection(slow.lean.getCustomer(customer.id));
      expect(error).toBeInstanceOf(LeanUnavailableError);
      expect(error).toMatchObject({ reason: 'timeout', retryable: true });
      expect(slow.lean.calls.count('GET /customers/v1/{customer_id}', 'timeout')).toBe(2);
    } finally {
      await slow.close();
    }
  });

  it('keeps at most LEAN_MAX_CONCURRENCY calls in flight', async () => {
    const narrow = await startTestSandbox({}, { maxConcurrency: 2 });
    try {
      const customer = await narrow.lean.createCustomer('busy-user');
      await narrow.control('DELETE', '/sandbox/stats');
      await narrow.control('POST', '/sandbox/faults', { path: '/customers/v1/', latency_ms: 100, count: 8 });
      await Promise.all(Array.from({ length: 8 }, () => narrow.lean.getCustomer(customer.id)));
      const stats = await narrow.control<{ max_in_flight: number; total: number }>('GET', '/sandbox/stats');
      expect(stats.body.total).toBe(8);
      expect(stats.body.max_in_flight).toBe(2);
    } finally {
      await narrow.close();
    }
  });

  it('logs every call with its correlation id and outcome, and never the app token', () => {
    const lines = lean.clientLogs.map((line) => JSON.parse(line) as { lean?: { correlationId?: string; outcome?: string } });
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.every((line) => typeof line.lean?.correlationId === 'string' && typeof line.lean.outcome === 'string')).toBe(true);
    expect(lean.clientLogs.join('\n')).not.toContain(TEST_APP_TOKEN);
  });
});
