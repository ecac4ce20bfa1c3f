import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, usingPostgres, type TestDatabase } from './kit/database.js';
import { createCustomer, leanCalls, linkBank, webhooksApplied } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { leanEndpoint } from './kit/lean-version.js';
import { errorCodes, postGraphQL } from './kit/graphql.js';
import { eventually } from './kit/sandbox.js';
import { subscribe } from './kit/subscriptions.js';
import { postWebhook, TEST_WEBHOOK_SECRET } from './kit/webhooks.js';

const SERVICE_KEY = 'metrics-test-service-key-0123456789abcdef';

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Parses the Prometheus text exposition format (version 0.0.4): one sample per non-comment line. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (match === null) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1] ?? ''] = (pair[2] ?? '').replace(/\\(.)/g, (_all, c: string) => (c === 'n' ? '\n' : c));
    }
    const raw = match[3] ?? '';
    samples.push({ name: match[1] ?? '', labels, value: raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw) });
  }
  return samples;
}

class Scrape {
  constructor(readonly samples: Sample[]) {}
  /** The sum of the samples named `name` whose labels include `labels`; 0 when there is none. */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.matching(name, labels).reduce((sum, sample) => sum + sample.value, 0);
  }
  matching(name: string, labels: Record<string, string> = {}): Sample[] {
    return this.samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  }
}

async function scrape(url: string, token?: string): Promise<Scrape> {
  const response = await fetch(`${url}/metrics`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return new Scrape(parseExposition(await response.text()));
}

const BALANCES = /* GraphQL */ `
  query CustomerBalances($id: ID!) {
    customer(id: $id) { entities { accounts { ... on AccountList { accounts { balance { __typename ... on Balance { amount stale } } } } } } }
  }
`;

describe('GET /metrics on the main port (services only)', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  const metrics = () => scrape(gateway.url, SERVICE_KEY);
  const asService = (query: string, variables?: Record<string, unknown>) => postGraphQL(gateway.url, query, { token: SERVICE_KEY, ...(variables && { variables }) });

  beforeAll(async () => {
    database = await createTestDatabase('metrics_main');
    gateway = await startTestGateway({ ...database.env, GATEWAY_API_KEYS: SERVICE_KEY, LEAN_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('refuses callers without a service API key (401, JSON) and answers one with Prometheus text, default process metrics included', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-a-key' }] as Record<string, string>[]) {
      const refused = await fetch(`${gateway.url}/metrics`, { headers });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toMatch(/application\/json/);
      expect(await refused.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    const answered = await metrics();
    expect(answered.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(answered.matching('nodejs_heap_size_used_bytes')).toHaveLength(1);
    // Pool usage exists only with a Postgres server (PGlite has no pool).
    expect(answered.matching('gateway_db_pool_clients')).toHaveLength(usingPostgres ? 1 : 0);
    if (usingPostgres) expect(answered.value('gateway_db_pool_clients')).toBeGreaterThanOrEqual(1);
    expect(answered.value('gateway_webhook_inbox', { status: 'RECEIVED' })).toBe(0);
  });

  it('a query moves the operation counter and latency histogram of its name; an error moves its code', async () => {
    const before = await metrics();
    expect((await asService('query MetricsProbe { __typename }')).body.errors).toBeUndefined();
    const tooMany = await asService('query TooMany { webhookDeliveries(first: 10000) { id } }');
    expect(errorCodes(tooMany)).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await asService('query Broken { nothingHere }'))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const after = await metrics();
    const delta = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(delta('gateway_graphql_operations_total', { operation: 'MetricsProbe', outcome: 'ok' })).toBe(1);
    expect(delta('gateway_graphql_operation_duration_seconds_count', { operation: 'MetricsProbe', outcome: 'ok' })).toBe(1);
    expect(delta('gateway_graphql_operation_duration_seconds_bucket', { operation: 'MetricsProbe', outcome: 'ok', le: '+Inf' })).toBe(1);
    expect(delta('gateway_graphql_operations_total', { operation: 'TooMany', outcome: 'error' })).toBe(1);
    // A name becomes a label only once its operation executes: refused requests cannot use up the slots.
    expect(delta('gateway_graphql_operations_total', { operation: 'other', outcome: 'refused' })).toBe(1);
    expect(after.matching('gateway_graphql_operations_total').some((sample) => sample.labels['operation'] === 'Broken')).toBe(false);
    expect(delta('gateway_graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBe(1);
    expect(delta('gateway_graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
  });

  it('bounds operation names from clients: an ill-shaped name counts as "other", an unnamed operation as "anonymous"', async () => {
    const before = await metrics();
    await postGraphQL(gateway.url, '{ __typename }', { token: SERVICE_KEY });
    const after = await metrics();
    expect(after.value('gateway_graphql_operations_total', { operation: 'anonymous' }) - before.value('gateway_graphql_operations_total', { operation: 'anonymous' })).toBe(1);
    const named = after.matching('gateway_graphql_operations_total').map((sample) => sample.labels['operation'] ?? '');
    expect(named.every((name) => /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name))).toBe(true);
  });

  it('a query that needs Lean moves the Lean call series of that endpoint as often as the emulator was called; repeated, it is a cache hit', async () => {
    const customer = await createCustomer(gateway, 'metrics-user', { token: SERVICE_KEY });
    const linked = await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
    const accounts = linked.accountIds.length;
    expect(accounts).toBeGreaterThan(0);
    const endpoint = leanEndpoint('balance');
    const before = await metrics();
    const emulatorBefore = (await leanCalls(gateway)).calls[endpoint] ?? 0;

    const cold = await asService(BALANCES, { id: customer.id });
    expect(cold.body.errors).toBeUndefined();
    const afterCold = await metrics();
    const emulatorCalls = ((await leanCalls(gateway)).calls[endpoint] ?? 0) - emulatorBefore;
    expect(emulatorCalls).toBe(accounts);
    expect(afterCold.value('gateway_lean_calls_total', { endpoint }) - before.value('gateway_lean_calls_total', { endpoint })).toBe(emulatorCalls);
    expect(afterCold.value('gateway_lean_calls_total', { endpoint, outcome: 'ok' }) - before.value('gateway_lean_calls_total', { endpoint, outcome: 'ok' })).toBe(emulatorCalls);
    expect(afterCold.value('gateway_lean_call_duration_seconds_count', { endpoint }) - before.value('gateway_lean_call_duration_seconds_count', { endpoint })).toBe(emulatorCalls);
    expect(afterCold.value('gateway_cache_reads_total', { kind: 'balance', result: 'miss' }) - before.value('gateway_cache_reads_total', { kind: 'balance', result: 'miss' })).toBe(accounts);
    expect(afterCold.value('gateway_lean_inflight_calls')).toBe(0);

    const warm = await asService(BALANCES, { id: customer.id });
    expect(warm.body.errors).toBeUndefined();
    const afterWarm = await metrics();
    expect(afterWarm.value('gateway_cache_reads_total', { kind: 'balance', result: 'hit' }) - afterCold.value('gateway_cache_reads_total', { kind: 'balance', result: 'hit' })).toBe(accounts);
    expect(afterWarm.value('gateway_cache_reads_total', { kind: 'accounts', result: 'hit' }) - afterCold.value('gateway_cache_reads_total', { kind: 'accounts', result: 'hit' })).toBe(1);
    expect(afterWarm.value('gateway_lean_calls_total', { endpoint })).toBe(afterCold.value('gateway_lean_calls_total', { endpoint }));
  });

  it('a webhook moves the inbox and processing series: the emulator\'s signed entity.created, and one posted by hand', async () => {
    const customer = await createCustomer(gateway, 'metrics-webhooks', { token: SERVICE_KEY });
    const before = await metrics();
    await linkBank(gateway, customer.leanCustomerId, 'LEANMB2'); // the emulator delivers a signed entity.created
    const body = JSON.stringify({ type: 'payment.created', payload: { id: 'p1' }, message: 'm', timestamp: '2026-01-01T00:00:00Z', event_id: 'evt-metrics-1' });
    expect((await postWebhook(gateway.url, body)).status).toBe(200);
    await webhooksApplied(gateway, (row) => row.type === 'payment.created');
    const after = await metrics();
    const delta = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(delta('gateway_webhook_processing_lag_seconds_count', { type: 'entity.created', status: 'APPLIED' })).toBe(1);
    expect(delta('gateway_webhook_processing_lag_seconds_count', { type: 'payment.created', status: 'IGNORED' })).toBe(1);
    expect(delta('gateway_webhook_inbox', { status: 'APPLIED' })).toBe(1);
    expect(delta('gateway_webhook_inbox', { status: 'IGNORED' })).toBe(1);
    expect(after.value('gateway_webhook_inbox', { status: 'RECEIVED' })).toBe(0);
    expect(after.value('gateway_webhook_failures_total')).toBe(0);
  });

  it('a live subscription shows in the subscribers gauge of its topic and leaves it when it ends', async () => {
    const customer = await createCustomer(gateway, 'metrics-subscriber', { token: SERVICE_KEY });
    const gauge = async () => (await metrics()).value('gateway_subscribers', { topic: 'entityLinked' });
    const before = await gauge();
    const subscription = subscribe(gateway.url, 'subscription Linked($c: ID!) { entityLinked(customerId: $c) { id } }', { variables: { c: customer.id }, token: SERVICE_KEY });
    try {
      await subscription.ready;
      await eventually(async () => (await gauge()) === before + 1);
    } finally {
      await subscription.close();
    }
    await eventually(async () => (await gauge()) === before);
    expect((await metrics()).value('gateway_graphql_operations_total', { operation: 'Linked', outcome: 'ok' })).toBe(1);
  });
});

describe('GET /metrics on a port of its own (GATEWAY_METRICS_PORT)', () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase('metrics_port');
    // The development principal, and a rate limit of one request to see a refusal counted.
    gateway = await startTestGateway({ ...database.env, GATEWAY_METRICS_PORT: '0', GATEWAY_RATE_LIMIT_PER_SECOND: '0.001', GATEWAY_RATE_LIMIT_BURST: '1' });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('answers there without credentials, only GET /metrics; the main port has no /metrics', async () => {
    const metricsUrl = gateway.metricsUrl ?? '';
    expect(metricsUrl).not.toBe('');
    expect(metricsUrl).not.toBe(gateway.url);
    expect((await scrape(metricsUrl)).matching('process_resident_memory_bytes')).toHaveLength(1);
    expect((await fetch(`${metricsUrl}/graphql`)).status).toBe(404);
    expect((await fetch(`${metricsUrl}/metrics`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(404);
  });

  it('counts a request refused by the rate limit (before its document is parsed) as refused under its operationName, with its code', async () => {
    const post = () =>
      fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: 'query Limited { __typename }', operationName: 'Limited' }),
      });
    expect((await post()).status).toBe(200);
    const second = await post();
    expect(second.status).toBe(429);
    expect(((await second.json()) as { errors: { extensions: { code: string } }[] }).errors.map((error) => error.extensions.code)).toEqual(['RATE_LIMITED']);
    const scraped = await scrape(gateway.metricsUrl ?? '');
    expect(scraped.value('gateway_graphql_operations_total', { operation: 'Limited', outcome: 'ok' })).toBe(1);
    expect(scraped.value('gateway_graphql_operations_total', { operation: 'Limited', outcome: 'refused' })).toBe(1);
    expect(scraped.value('gateway_graphql_errors_total', { code: 'RATE_LIMITED' })).toBe(1);
  });

  it('stops answering once the gateway stops', async () => {
    const metricsUrl = gateway.metricsUrl ?? '';
    await gateway.stop();
    await expect(fetch(`${metricsUrl}/metrics`)).rejects.toThrow();
  });
});
