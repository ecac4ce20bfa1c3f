import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyPaths } from './fixtures/seed-doc-shapes.js';
import { eventually, postmanExample, postmanWebhook, startTestSandbox, startWebhookReceiver, type TestSandbox } from './kit/sandbox.js';

// Every v2 answer of the emulator against Lean's own Postman samples (../shared/lean-reference/postman),
// read at test time: the same keys at every level, and amounts written as Lean writes them.

const KSA_PERMISSIONS = ['identity', 'accounts', 'balance', 'transactions', 'identities', 'scheduled_payments', 'standing_orders', 'direct_debits', 'beneficiaries'];
const UAE_PERMISSIONS = ['identity', 'accounts', 'balance', 'transactions'];
type Region = 'KSA' | 'UAE';
type Json = Record<string, unknown>;

interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly body: unknown;
}

let lean: TestSandbox;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
const exchanges: Exchange[] = [];
/** The raw JSON text of every answer, for the amount forms. */
const texts: string[] = [];

async function call(method: string, template: string, path: string, body?: unknown) {
  const answer = await lean.v2(method, path, body);
  exchanges.push({ method: method.toLowerCase(), path: template, status: answer.status, body: answer.body });
  texts.push(answer.text);
  return answer;
}

/** Everything v2 answers for one entity, read page by page. */
interface Fetched {
  envelopes: Json[];
  items: Record<string, Json[]>;
  entityId: string;
}

async function fetchEverything(region: Region): Promise<Fetched> {
  // A KSA entity with a savings account, so that standing orders have something to show.
  let entityId = '';
  for (let i = 0; i < 20; i++) {
    const customer = (await lean.raw('POST', '/customers/v1/', { app_user_id: `shapes-${region}-${i}` })).body as { customer_id: string };
    const connected = await lean.control<{ id: string }>('POST', '/sandbox/connect', {
      customer_id: customer.customer_id,
      bank_identifier: region === 'KSA' ? 'LEA1_SAMAOB_SAU' : 'LEANMB1',
      permissions: region === 'KSA' ? KSA_PERMISSIONS : UAE_PERMISSIONS,
    });
    entityId = connected.body.id;
    const kinds = lean.sandbox.state.accountsOf(entityId).map((a) => a.type);
    if (kinds.includes('Savings') && kinds.includes('CreditCard')) break;
  }
  const fetched: Fetched = { envelopes: [], items: {}, entityId };
  const keep = (listKey: string, answer: { body: unknown }, kept = listKey) => {
    const body = answer.body as Json & { data: Json };
    fetched.envelopes.push(body);
    fetched.items[kept] = [...(fetched.items[kept] ?? []), ...(body.data[listKey] as Json[])];
    return body;
  };
  keep('accounts', await call('GET', '/data/v2/accounts', `/data/v2/accounts?entity_id=${entityId}`));
  keep('identities', await call('GET', '/data/v2/identity', `/data/v2/identity?entity_id=${entityId}`));
  const datasets = region === 'KSA' ? ['balances', 'beneficiaries', 'identities', 'direct-debits', 'scheduled-payments', 'standing-orders'] : ['balances'];
  for (const account of lean.sandbox.state.accountsOf(entityId)) {
    for (const dataset of datasets) {
      const template = `/data/v2/accounts/{account_id}/${dataset}`;
      const answer = await call('GET', template, `/data/v2/accounts/${account.account_id}/${dataset}?entity_id=${entityId}`);
      keep(dataset.replace('-', '_'), answer, dataset === 'identities' ? 'account_identities' : dataset.replace('-', '_'));
    }
    for (let page = 0; ; page++) {
      const answer = await call('GET', '/data/v2/accounts/{account_id}/transactions', `/data/v2/accounts/${account.account_id}/transactions?entity_id=${entityId}&size=500&page=${page}`);
      const body = keep('transactions', answer);
      if (page + 1 >= ((body.data as { page: { total_pages: number } }).page.total_pages)) break;
    }
  }
  return fetched;
}

let ksa: Fetched;
let uae: Fetched;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  // Refreshes last long enough that the 429 of a second request right after the first is certain.
  lean = await startTestSandbox({ webhookUrl: () => receiver.url, refreshDelayMs: 1_500 });
  ksa = await fetchEverything('KSA');
  uae = await fetchEverything('UAE');
}, 120_000);
afterAll(async () => {
  await lean?.close();
  await receiver?.close();
});

const sampleData = (region: Region, request: string) => (postmanExample(region, request) as { data: Json }).data;
const topKeys = (value: unknown) => Object.keys(value as object).sort();
const union = (items: readonly unknown[]) => [...new Set(items.flatMap((item) => keyPaths(item)))].sort();

/** Each item has the sample items' keys; across items, every nested key path of the samples and no other. */
function expectSameShape(kind: string, mine: readonly unknown[], samples: readonly unknown[]) {
  expect(mine.length, `${kind}: the emulator answered some`).toBeGreaterThan(0);
  expect(new Set(samples.map((s) => topKeys(s).join())).size, `${kind}: Lean's samples agree`).toBe(1);
  for (const item of mine) expect(topKeys(item), kind).toEqual(topKeys(samples[0]));
  expect(union(mine), `${kind}: nested keys`).toEqual(union(samples));
}

describe('v2 items have the keys of Lean’s Postman samples, nested ones included', () => {
  const items: [string, string, string][] = [
    ['accounts', 'Get Account', 'accounts'],
    ['identities', 'Get identity', 'identities'],
    ['balances', 'Get Balances', 'balances'],
    ['transactions', 'Get Transactions', 'transactions'],
  ];
  for (const region of ['KSA', 'UAE'] as const) {
    for (const [listKey, request, sampleKey] of items) {
      it(`${region} ${listKey}`, () => {
        const fetched = region === 'KSA' ? ksa : uae;
        const sample = sampleData(region, region === 'UAE' && request === 'Get Account' ? 'Get Accounts' : request);
        expectSameShape(`${region} ${listKey}`, fetched.items[listKey] ?? [], sample[sampleKey] as unknown[]);
      });
    }
  }

  it('KSA beneficiaries, identities, direct debits, scheduled payments and standing orders', () => {
    const datasets: [string, string, string][] = [
      ['beneficiaries', 'Get Beneficiaries', 'beneficiaries'],
      ['account_identities', 'Get identities', 'identities'],
      ['direct_debits', 'Get Direct Debits', 'direct_debits'],
      ['scheduled_payments', 'Get Scheduled Payments', 'scheduled_payments'],
      ['standing_orders', 'Get Standing Orders', 'standing_orders'],
    ];
    for (const [mine, request, listKey] of datasets) expectSameShape(mine, ksa.items[mine] ?? [], sampleData('KSA', request)[listKey] as unknown[]);
  });

  it('the envelope, its data and page', () => {
    const sample = postmanExample('KSA', 'Get Account') as Json & { data: Json };
    const identitySample = postmanExample('KSA', 'Get identity') as Json & { data: Json };
    for (const envelope of [...ksa.envelopes, ...uae.envelopes]) {
      expect(topKeys(envelope)).toEqual(topKeys(sample));
      const data = envelope['data'] as Json;
      expect(topKeys(data)).toEqual(data['type'] === 'identities' ? topKeys(identitySample.data) : ['page', 'type', String(Object.keys(data).find((k) => k !== 'page' && k !== 'type'))].sort());
      expect(topKeys(data['page'])).toEqual(topKeys(sample.data['page']));
      expect(envelope).toMatchObject({ status: 'OK', message: 'Data successfully retrieved', meta: null, status_detail: null });
      expect(envelope['type']).toBe(data['type']);
    }
    // Lean's `type` per endpoint, and the list under it.
    const types = new Set([...ksa.envelopes, ...uae.envelopes].map((e) => `${String(e['type'])}:${Object.keys(e['data'] as Json).filter((k) => !['type', 'page', 'account_id'].includes(k)).join()}`));
    expect([...types].sort()).toEqual(
      ['accounts:accounts', 'balances:balances', 'beneficiaries:beneficiaries', 'direct-debits:direct_debits', 'identities:identities', 'scheduled-payments:scheduled_payments', 'standing-orders:standing_orders', 'transactions:transactions'].sort(),
    );
  });

  it('the token answer', async () => {
    const answer = await fetch(`${lean.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'test-client-id', client_secret: 'test-client-secret-0123456789', grant_type: 'client_credentials', scope: 'api' }),
    });
    expect(keyPaths(await answer.json())).toEqual(keyPaths(postmanExample('KSA', 'Generate API Access Token')));
  });
});

describe('refreshes and their webhook have the keys of Lean’s samples', () => {
  it('POST /data/v2/refreshes, the list, one refresh', async () => {
    const list = await call('GET', '/data/v2/refreshes', `/data/v2/refreshes?entity_id=${ksa.entityId}`);
    expect(keyPaths(list.body)).toEqual(keyPaths(postmanExample('KSA', 'Get data refreshes')));
    const refreshId = (list.body as { content: { refresh_id: string }[] }).content[0]?.refresh_id ?? '';
    const one = await call('GET', '/data/v2/refreshes/{refresh_id}', `/data/v2/refreshes/${refreshId}?entity_id=${ksa.entityId}`);
    expect(keyPaths(one.body)).toEqual(keyPaths(postmanExample('KSA', 'get Data Refresh Status')));
    // The link's own refresh is PENDING for refreshDelayMs; a trigger during it would be the 429.
    await eventually(() => lean.sandbox.state.refreshes.pendingOf(uae.entityId) === undefined, 15_000);
    const triggered = await call('POST', '/data/v2/refreshes', '/data/v2/refreshes', { entity_id: uae.entityId });
    expect(keyPaths(triggered.body)).toEqual(keyPaths(postmanExample('KSA', 'Trigger a Manual Data Refresh')));
    const duplicate = await call('POST', '/data/v2/refreshes', '/data/v2/refreshes', { entity_id: uae.entityId });
    expect(duplicate.status).toBe(429);
    expect(keyPaths(duplicate.body)).toEqual(keyPaths(postmanExample('KSA', 'Trigger a Manual Data Refresh', 429)));
  });

  it('entity.data.refresh.updated, KSA and UAE, PENDING and finished', async () => {
    const refreshesOf = (entityId: string) => receiver.received.filter((d) => d.body.includes('entity.data.refresh.updated') && d.body.includes(entityId)).length;
    await eventually(() => refreshesOf(ksa.entityId) >= 2 && refreshesOf(uae.entityId) >= 2, 15_000);
    for (const region of ['KSA', 'UAE'] as const) {
      const entityId = region === 'KSA' ? ksa.entityId : uae.entityId;
      const sample = postmanWebhook(region, 'entity.data.refresh.updated') as Json;
      const mine = receiver.received.map((d) => JSON.parse(d.body) as Json & { payload: Json }).filter((w) => w['type'] === 'entity.data.refresh.updated' && w.payload['entity_id'] === entityId);
      // The link's refresh; the UAE entity has had a second one asked for above.
      expect(mine.map((w) => w.payload['status']).slice(0, 2)).toEqual(region === 'KSA' ? ['PENDING', 'FINISHED'] : ['PENDING', 'OK']);
      for (const webhook of mine) {
        expect(keyPaths(webhook), region).toEqual(keyPaths(sample));
        expect(webhook['message']).toBe(sample['message']);
      }
    }
  });
});

describe('v2 error bodies have the keys of Lean’s samples', () => {
  it('400, 404 (entity, account, results), 403 and 500, with and without results_id as Lean’s', async () => {
    const accountId = lean.sandbox.state.accountsOf(ksa.entityId)[0]?.account_id ?? '';
    const cases: [string, string, string, number, string, number][] = [
      ['GET', '/data/v2/accounts', '/data/v2/accounts?entity_id=bad', 400, 'Get Account', 400],
      ['GET', '/data/v2/accounts', '/data/v2/accounts?entity_id=00000000-0000-4000-8000-000000000000', 404, 'Get Account', 404],
      ['GET', '/data/v2/accounts/{account_id}/transactions', `/data/v2/accounts/00000000-0000-4000-8000-000000000000/transactions?entity_id=${ksa.entityId}`, 404, 'Get Transactions', 404],
      ['GET', '/data/v2/results/{results_id}', '/data/v2/results/00000000-0000-4000-8000-000000000000', 404, 'Get Results', 404],
    ];
    cases.push(['GET', '/data/v2/accounts/{account_id}/balances', `/data/v2/accounts/${accountId}/balances?entity_id=${ksa.entityId}`, 500, 'Get Balances', 500]);
    for (const [method, template, path, status, request, code] of cases) {
      if (status === 500) await lean.control('POST', '/sandbox/faults', { path: path.split('?')[0], status: 500, count: 1 });
      const answer = await call(method, template, path);
      expect(answer.status, path).toBe(status);
      expect(keyPaths(answer.body), path).toEqual(keyPaths(postmanExample('KSA', request, code)));
    }
    await lean.control('POST', `/sandbox/entities/${uae.entityId}/revoke-consent`);
    await eventually(async () => (await lean.v2('POST', '/data/v2/refreshes', { entity_id: uae.entityId })).status === 403);
    const expired = await call('POST', '/data/v2/refreshes', '/data/v2/refreshes', { entity_id: uae.entityId });
    expect(keyPaths(expired.body)).toEqual(keyPaths(postmanExample('KSA', 'Trigger a Manual Data Refresh', 403)));
  });
});

describe('money as Lean writes it', () => {
  it('amounts are JSON numbers in all three of Lean’s forms: 1934, 10.0, 178268.21; never negative, never strings', () => {
    const all = texts.join('\n');
    const amounts = [...all.matchAll(/"amount":(-?[\d.]+|"[^"]*")[,}]/g)].map((m) => m[1] ?? '');
    expect(amounts.length).toBeGreaterThan(1000);
    expect(amounts.filter((a) => /^\d+$/.test(a)).length, 'whole, as 1934').toBeGreaterThan(0);
    expect(amounts.filter((a) => /^[1-9]\d*\.0$/.test(a)).length, 'whole with one decimal, as 10.0').toBeGreaterThan(0);
    expect(amounts.filter((a) => /^\d+\.[1-9]$/.test(a)).length, 'one decimal, as 7.2').toBeGreaterThan(0);
    expect(amounts.filter((a) => /^\d+\.\d[1-9]$/.test(a)).length, 'two decimals, as 178268.21').toBeGreaterThan(0);
    expect(amounts.every((a) => /^\d+(\.\d{1,2})?$/.test(a)), 'no string, no sign, at most two decimals').toBe(true);
    // The transactions alone show the three forms, as Lean's samples do.
    const transactions = texts.filter((t) => t.includes('"type":"transactions"')).join('\n');
    for (const form of [/"amount":\d+[,}]/, /"amount":\d+\.\d[,}]/, /"amount":\d+\.\d\d[,}]/]) expect(transactions).toMatch(form);
  });
});

describe('the OpenAPI description covers v2', () => {
  it('every v2 answer of this file validates against /openapi.json', async () => {
    const document = (await (await fetch(`${lean.url}/openapi.json`)).json()) as Json;
    const ajv = new Ajv2020({
      strict: false,
      allErrors: true,
      formats: {
        uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
        date: /^\d{4}-\d{2}-\d{2}$/,
        'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/,
      },
    });
    ajv.addSchema({ ...document, $id: 'lean-openapi' });
    const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
    expect(exchanges.length).toBeGreaterThan(30);
    for (const exchange of exchanges) {
      const ref = `lean-openapi#/${pointer('paths', exchange.path, exchange.method, 'responses', String(exchange.status), 'content', 'application/json', 'schema')}`;
      const validate = ajv.getSchema(ref);
      expect(validate, `${exchange.method} ${exchange.path} ${exchange.status} is described`).toBeDefined();
      const valid = validate?.(exchange.body);
      expect(valid, `${exchange.method} ${exchange.path} ${exchange.status}: ${JSON.stringify(validate?.errors?.slice(0, 3))}`).toBe(true);
    }
  });
});
