import { createHmac } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyPaths, SEED_DOC_SHAPES, WEBHOOK_ADDITIONS } from './fixtures/seed-doc-shapes.js';
import { eventually, startTestSandbox, startWebhookReceiver, TEST_WEBHOOK_SECRET, type TestSandbox } from './kit/sandbox.js';

interface Exchange {
  readonly method: string;
  /** OpenAPI path template */
  readonly path: string;
  readonly status: number;
  readonly body: unknown;
}

let lean: TestSandbox;
const exchanges: Exchange[] = [];

/** Calls Lean's API like curl and records the answer for the OpenAPI check. */
async function call(method: string, template: string, path: string, body?: unknown) {
  const answer = await lean.raw(method, path, body);
  exchanges.push({ method: method.toLowerCase(), path: template, status: answer.status, body: answer.body });
  return answer;
}

async function linked(bank: string, extra: Record<string, unknown> = {}) {
  const appUserId = `shape-${bank}-${exchanges.length}`;
  const customer = (await call('POST', '/customers/v1/', '/customers/v1/', { app_user_id: appUserId })).body as { customer_id: string };
  const connected = await lean.control<{ id: string }>('POST', '/sandbox/connect', {
    customer_id: customer.customer_id,
    bank_identifier: bank,
    permissions: bank.endsWith('_SAU') ? ['identity', 'accounts', 'balance', 'transactions', 'beneficiaries'] : ['identity', 'accounts', 'balance', 'transactions'],
    ...extra,
  });
  const accounts = await call('POST', '/data/v1/accounts', '/data/v1/accounts', { entity_id: connected.body.id });
  const accountId = (accounts.body as { payload: { accounts: { account_id: string }[] } }).payload.accounts[0]?.account_id ?? '';
  return { customerId: customer.customer_id, entityId: connected.body.id, accountId, accounts };
}

beforeAll(async () => {
  lean = await startTestSandbox();
});
afterAll(async () => {
  await lean?.close();
});

describe('answers carry exactly the fields of the examples in Lean’s guides', () => {
  it('customers, entities (UAE and KSA), identity, accounts, balance, transactions', async () => {
    const uae = await linked('LEANMB1');
    const ksa = await linked('LEA1_SAMAOB_SAU', { access_to: new Date(Date.now() + 90 * 86_400_000).toISOString(), access_from: '2024-01-01' });
    const customer = await call('GET', '/customers/v1/{customer_id}', `/customers/v1/${uae.customerId}`);
    expect(keyPaths(customer.body)).toEqual(keyPaths(SEED_DOC_SHAPES.customer));
    const uaeEntity = await call('GET', '/customers/v1/{customer_id}/entities/{entity_id}', `/customers/v1/${uae.customerId}/entities/${uae.entityId}`);
    expect(keyPaths(uaeEntity.body)).toEqual(keyPaths(SEED_DOC_SHAPES.uaeEntity));
    const ksaEntities = await call('GET', '/customers/v1/{customer_id}/entities', `/customers/v1/${ksa.customerId}/entities`);
    expect(keyPaths(ksaEntities.body)).toEqual(keyPaths([SEED_DOC_SHAPES.ksaEntity]));

    expect(keyPaths((await call('POST', '/data/v1/identity', '/data/v1/identity', { entity_id: uae.entityId })).body)).toEqual(keyPaths(SEED_DOC_SHAPES.identity));
    expect(keyPaths(uae.accounts.body)).toEqual(keyPaths(SEED_DOC_SHAPES.accounts));
    const balance = await call('POST', '/v1/balance', '/v1/balance', { entity_id: uae.entityId, account_id: uae.accountId });
    expect(keyPaths(balance.body)).toEqual(keyPaths(SEED_DOC_SHAPES.balance));
    const transactions = await call('POST', '/v1/transactions', '/v1/transactions', {
      entity_id: ksa.entityId,
      account_id: ksa.accountId,
      start_date: '2024-03-01',
      end_date: '2024-03-15',
      insights: true,
    });
    expect(keyPaths(transactions.body)).toEqual(keyPaths(SEED_DOC_SHAPES.transactions));
  });

  it('PENDING and RECONNECT_REQUIRED, and the results picked up afterwards', async () => {
    const async = await linked('LEANMB3_ASYNC');
    const pending = await call('POST', '/v1/transactions', '/v1/transactions', {
      entity_id: async.entityId,
      account_id: async.accountId,
      start_date: '2025-01-01',
      end_date: '2025-01-31',
    });
    expect(keyPaths(pending.body)).toEqual(keyPaths(SEED_DOC_SHAPES.pending));
    const resultsId = (pending.body as { results_id: string }).results_id;
    await eventually(() => lean.sandbox.webhooks.some((w) => w.body.includes(resultsId)));
    const results = await call('GET', '/v1/results/{results_id}', `/v1/results/${resultsId}`);
    // Asked without insights, so the transactions carry every field of the example but those.
    expect(keyPaths(results.body)).toEqual(keyPaths(SEED_DOC_SHAPES.transactions).filter((path) => !path.includes('insights')));

    const otp = await linked('LEANMB1');
    await lean.control('POST', `/sandbox/entities/${otp.entityId}/expire-session`);
    const reconnect = await call('POST', '/v1/balance', '/v1/balance', { entity_id: otp.entityId, account_id: otp.accountId });
    expect(keyPaths(reconnect.body)).toEqual(keyPaths(SEED_DOC_SHAPES.reconnectRequired));
  });

  it('error bodies, as in Lean’s samples', async () => {
    await call('POST', '/customers/v1/', '/customers/v1/', { app_user_id: 'twice' });
    const duplicate = await call('POST', '/customers/v1/', '/customers/v1/', { app_user_id: 'twice' });
    expect(duplicate.status).toBe(409);
    expect(keyPaths(duplicate.body)).toEqual(keyPaths(SEED_DOC_SHAPES.customerError));
    const unknown = await call('POST', '/data/v1/accounts', '/data/v1/accounts', { entity_id: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(404);
    expect(keyPaths(unknown.body)).toEqual(keyPaths(SEED_DOC_SHAPES.dataError));
    const invalid = await call('POST', '/v1/transactions', '/v1/transactions', { entity_id: 'nope' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ status: 'INVALID_PARAMETERS' });
  });

  it('webhooks: the guides’ fields plus today’s event_id and bank details', async () => {
    const { entityId } = await linked('LEANMB1');
    await lean.control('POST', `/sandbox/entities/${entityId}/expire-session`);
    const answer = await call('POST', '/data/v1/identity', '/data/v1/identity', { entity_id: entityId });
    await lean.control('POST', `/sandbox/reconnect/${(answer.body as { payload: { reconnect_id: string } }).payload.reconnect_id}`);
    for (const type of ['entity.created', 'entity.reconnected', 'results.ready'] as const) {
      const sent = lean.sandbox.webhooks.find((w) => w.type === type);
      expect(sent, type).toBeDefined();
      const expected = [...keyPaths(SEED_DOC_SHAPES.webhooks[type]), ...(WEBHOOK_ADDITIONS[type] ?? [])].sort();
      expect(keyPaths(JSON.parse(sent?.body ?? '{}'))).toEqual(expected);
    }
  });
});

describe('the OpenAPI description', () => {
  it('is served at /openapi.json and every answer of this file validates against it', async () => {
    const response = await fetch(`${lean.url}/openapi.json`);
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe('3.1.0');
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ ...document, $id: 'lean-openapi' });
    const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
    expect(exchanges.length).toBeGreaterThan(10);
    for (const exchange of exchanges) {
      const ref = `lean-openapi#/${pointer('paths', exchange.path, exchange.method, 'responses', String(exchange.status), 'content', 'application/json', 'schema')}`;
      const validate = ajv.getSchema(ref);
      expect(validate, `${exchange.method} ${exchange.path} ${exchange.status} is described`).toBeDefined();
      const valid = validate?.(exchange.body);
      expect(valid, `${exchange.method} ${exchange.path} ${exchange.status}: ${JSON.stringify(validate?.errors?.slice(0, 3))}`).toBe(true);
    }
  });
});

describe('determinism', () => {
  async function fetchAll(seed: string): Promise<string[]> {
    const instance = await startTestSandbox({ seed });
    try {
      const customer = (await instance.raw('POST', '/customers/v1/', { app_user_id: 'same-user' })).body as { customer_id: string };
      const entity = await instance.control<{ id: string }>('POST', '/sandbox/connect', {
        customer_id: customer.customer_id,
        bank_identifier: 'LEANMB2',
        permissions: ['identity', 'accounts', 'balance', 'transactions'],
      });
      const accounts = await instance.raw('POST', '/data/v1/accounts', { entity_id: entity.body.id });
      const accountIds = (accounts.body as { payload: { accounts: { account_id: string }[] } }).payload.accounts.map((a) => a.account_id);
      const texts = [accounts.text, (await instance.raw('POST', '/data/v1/identity', { entity_id: entity.body.id })).text];
      for (const accountId of accountIds) {
        texts.push((await instance.raw('POST', '/v1/balance', { entity_id: entity.body.id, account_id: accountId })).text);
        texts.push(
          (await instance.raw('POST', '/v1/transactions', { entity_id: entity.body.id, account_id: accountId, start_date: '2024-01-01', end_date: '2024-12-31', insights: true })).text,
        );
      }
      return texts;
    } finally {
      await instance.close();
    }
  }

  it('entity ids follow the seed, but event ids are never reused by a restarted emulator', async () => {
    const eventsOf = async () => {
      const instance = await startTestSandbox({ seed: 'restart' });
      try {
        const customer = await instance.lean.createCustomer('restart-user');
        const entity = await instance.control<{ id: string }>('POST', '/sandbox/connect', { customer_id: customer.id, bank_identifier: 'LEANMB1', permissions: ['accounts'] });
        return { entityId: entity.body.id, eventId: (JSON.parse(instance.sandbox.webhooks[0]?.body ?? '{}') as { event_id: string }).event_id };
      } finally {
        await instance.close();
      }
    };
    const first = await eventsOf();
    const second = await eventsOf();
    expect(second.entityId).toBe(first.entityId);
    expect(second.eventId).not.toBe(first.eventId);
  });

  it('the same seed gives byte-identical data; another seed gives different data', async () => {
    const first = await fetchAll('seed-one');
    const again = await fetchAll('seed-one');
    const other = await fetchAll('seed-two');
    expect(again).toEqual(first);
    expect(other[0]).not.toEqual(first[0]);
    expect(other.slice(1)).not.toEqual(first.slice(1));
  });
});

describe('webhook delivery', () => {
  it('signs each webhook with HMAC-SHA512 of the raw body and redelivers until answered 200', async () => {
    const receiver = await startWebhookReceiver([500, 503]);
    // Lean's schedule is 1 and 2 minutes for the first retries; scaled down to milliseconds here.
    // Only entity.created is sent (no refresh webhooks), so the receiver's statuses all go to it.
    const sender = await startTestSandbox({ webhookUrl: () => receiver.url, retryScale: 0.0001, refreshWebhooks: false });
    try {
      const customer = await sender.lean.createCustomer('webhook-user');
      await sender.control('POST', '/sandbox/connect', { customer_id: customer.id, bank_identifier: 'LEANMB1', permissions: ['accounts'] });
      await eventually(() => receiver.received.length >= 3);
      const [first, , last] = receiver.received;
      expect(first?.body).toBe(last?.body); // the same event, redelivered
      for (const delivery of receiver.received) {
        expect(delivery.signature).toBe(`sha512=${createHmac('sha512', TEST_WEBHOOK_SECRET).update(delivery.body).digest('hex')}`);
      }
      const log = await sender.control<{ webhooks: { type: string; delivered: boolean; attempts: { status: number }[] }[] }>('GET', '/sandbox/webhooks');
      expect(log.body.webhooks[0]).toMatchObject({ type: 'entity.created', delivered: true, attempts: [{ status: 500 }, { status: 503 }, { status: 200 }] });
    } finally {
      await sender.close();
      await receiver.close();
    }
  });
});

describe('requests the emulator refuses', () => {
  it('without lean-app-token: 401; a body over 1 MiB: 413; an unknown route: 404', async () => {
    const anonymous = await fetch(`${lean.url}/customers/v1/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"app_user_id":"x"}' });
    expect(anonymous.status).toBe(401);
    expect((await lean.raw('POST', '/data/v1/accounts', { entity_id: 'x'.repeat(2 * 1024 * 1024) })).status).toBe(413);
    expect((await lean.raw('GET', '/nowhere')).status).toBe(404);
    expect((await lean.raw('GET', '/customers/v1/app-user-id/%E0%A4%A')).body).toMatchObject({ status: 'INVALID_PARAMETERS' });
    const noTokenBadJson = await fetch(`${lean.url}/v1/balance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(noTokenBadJson.status).toBe(401); // the token is checked before anything else is read
    const hostile = await lean.raw('POST', '/v1/transactions', { entity_id: { toString: 1 } });
    expect(hostile.status).toBe(400);
  });

  it('connect checks the region’s permissions and SAMA’s dates', async () => {
    const customer = await lean.lean.createCustomer('rules-user');
    const connect = (body: Record<string, unknown>) =>
      lean.control<{ metadata: { violations: { rule: string }[] } }>('POST', '/sandbox/connect', { customer_id: customer.id, ...body });
    const cases: [Record<string, unknown>, string][] = [
      [{ bank_identifier: 'LEANMB1', permissions: ['beneficiaries'] }, 'PERMISSION_NOT_IN_REGION'],
      [{ bank_identifier: 'LEANMB1', permissions: ['identity'], account_type: 'BUSINESS' }, 'IDENTITY_NOT_FOR_BUSINESS'],
      [{ bank_identifier: 'LEA1_SAMAOB_SAU', permissions: ['accounts'], access_to: '2020-01-01T00:00:00Z' }, 'ACCESS_TO_IN_PAST'],
      [{ bank_identifier: 'LEA1_SAMAOB_SAU', permissions: ['accounts'], access_to: new Date(Date.now() + 400 * 86_400_000).toISOString() }, 'ACCESS_TO_BEYOND_ONE_YEAR'],
      [
        { bank_identifier: 'LEA1_SAMAOB_SAU', permissions: ['accounts'], access_from: new Date(Date.now() + 20 * 86_400_000).toISOString(), access_to: new Date(Date.now() + 10 * 86_400_000).toISOString() },
        'ACCESS_FROM_AFTER_ACCESS_TO',
      ],
    ];
    for (const [body, rule] of cases) {
      const answer = await connect(body);
      expect(answer.status, rule).toBe(400);
      expect(answer.body.metadata.violations.map((v) => v.rule)).toContain(rule);
    }
  });
});
