// `npm run bench:webhooks` (or `node --import tsx test/bench/webhooks.ts`): N signed `entity.created`
// webhooks at concurrency C into one gateway on the Postgres server, with S graphql-ws subscribers of
// `entityLinked` on a second instance on the same database. Prints acknowledgements per second, ack
// latency p50/p99 and webhook-to-subscriber latency p50/p99 against the targets (≥ 1,000 acks/s,
// ack p99 ≤ 50 ms, delivery p99 ≤ 250 ms), and writes the figures to .bench/webhooks.json.
//
// BENCH_N (default 5000), BENCH_C (50), BENCH_S (100); BENCH_TIMEOUT_MS (60000): how long to wait for
// deliveries after the last ack; BENCH_RATE (unset: as fast as C allows): sends per second, to see the
// delivery path without a backlog; BENCH_GATEWAY_NODE_OPTIONS: NODE_OPTIONS of both gateways, e.g.
// `--import tsx --import ./test/bench/cpu-profile.ts` to CPU-profile them. Works in a throwaway
// database `bench_webhooks` on BENCH_DATABASE_URL's server (default:
// postgres://postgres@127.0.0.1:5432/postgres), dropped at the end; the Lean emulator runs in this
// process. Missed targets are reported, not failed; the exit code is 1 only when a webhook was not
// acknowledged with 200 or not delivered to its subscriber in time.
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { Pool } from 'undici';
import WebSocket from 'ws';
import { createLogger } from '../../src/log.js';
import { projectRoot, spawnGateway, type SpawnedGateway } from '../kit/gateway.js';
import { postGraphQL } from '../kit/graphql.js';
import { startTestSandbox, TEST_APP_TOKEN, type TestSandbox } from '../kit/sandbox.js';
import { sign, TEST_WEBHOOK_SECRET } from '../kit/webhooks.js';
import { freePort, percentile, pool, positiveInteger, sleep, sqlOn, waitFor } from './kit.js';

const BENCH_DB = 'bench_webhooks';
const TARGETS = { acksPerSecond: 1_000, ackP99Ms: 50, deliveryP99Ms: 250 } as const;

const N = positiveInteger('BENCH_N', 5_000);
const C = positiveInteger('BENCH_C', 50);
const S = positiveInteger('BENCH_S', 100);
const TIMEOUT_MS = positiveInteger('BENCH_TIMEOUT_MS', 60_000);
const RATE = process.env['BENCH_RATE'] ? positiveInteger('BENCH_RATE', 1) : undefined;

const adminUrl = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchUrl = new URL(adminUrl);
benchUrl.pathname = `/${BENCH_DB}`;

const out = (line = ''): boolean => process.stdout.write(`${line}\n`);

interface BenchCustomer {
  readonly globalId: string;
  readonly leanCustomerId: string;
  readonly appUserId: string;
}

/** One webhook of the run; the times are `performance.now()` of this process. */
interface Shot {
  readonly entityId: string;
  readonly body: string;
  readonly signature: string;
  sentAt: number;
  ackedAt: number;
  status: number;
  deliveredAt: number;
}

function entityCreated(customer: BenchCustomer, entityId: string, eventId: string): string {
  return JSON.stringify({
    type: 'entity.created',
    message: 'An entity object has been created.',
    payload: {
      id: entityId,
      customer_id: customer.leanCustomerId,
      app_user_id: customer.appUserId,
      permissions: ['accounts', 'balance', 'transactions'],
      bank_details: { name: 'Lean Mock Bank', identifier: 'LEANMB1', logo: 'https://cdn.leantech.me/img/banks/white-lean.png', main_color: '#1beb75', background_color: '#001E26' },
    },
    timestamp: new Date().toISOString(),
    event_id: eventId,
  });
}

function shots(customers: readonly BenchCustomer[], count: number, label: string): Shot[] {
  return Array.from({ length: count }, (_, i) => {
    const customer = customers[i % customers.length];
    if (customer === undefined) throw new Error('no customers');
    const entityId = randomUUID();
    const body = entityCreated(customer, entityId, `evt-bench-${label}-${i}-${entityId}`);
    return { entityId, body, signature: sign(body, TEST_WEBHOOK_SECRET), sentAt: Number.NaN, ackedAt: Number.NaN, status: 0, deliveredAt: Number.NaN };
  });
}

/**
 * Posts every shot to /webhooks/lean, `concurrency` at a time over as many kept-alive connections;
 * with `ratePerSecond`, the i-th is not sent before i / rate seconds after the first.
 */
async function fire(http: Pool, list: Shot[], concurrency: number, ratePerSecond?: number): Promise<void> {
  const started = performance.now();
  await pool(list.length, concurrency, async (index) => {
    const shot = list[index];
    if (shot === undefined) return;
    if (ratePerSecond !== undefined) {
      const wait = started + (index * 1_000) / ratePerSecond - performance.now();
      if (wait > 0) await sleep(wait);
    }
    shot.sentAt = performance.now();
    try {
      const response = await http.request({
        path: '/webhooks/lean',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'lean-signature': shot.signature },
        body: shot.body,
      });
      await response.body.text();
      shot.status = response.statusCode;
    } catch {
      shot.status = -1;
    }
    shot.ackedAt = performance.now();
  });
}

/**
 * `spawnGateway` on a known port, ready when /readyz answers 200: with LOG_LEVEL=warn the gateway
 * does not log the "gateway ready" line that `spawnGateway().ready` waits for.
 */
async function startQuietGateway(env: Record<string, string>): Promise<string> {
  const port = await freePort();
  const gateway = spawnGateway({ ...env, PORT: String(port) });
  gateways.push(gateway);
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  for (;;) {
    if (gateway.child.exitCode !== null || gateway.child.signalCode !== null) throw new Error(`gateway exited before it was ready:\n${gateway.stderr.join('')}`);
    if (await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false)) return url;
    if (performance.now() - started > 60_000) throw new Error('gateway not ready within 60 s');
    await sleep(50);
  }
}

const ENTITY_LINKED = 'subscription ($c: ID!) { entityLinked(customerId: $c) { id leanEntityId } }';

const gateways: SpawnedGateway[] = [];
const clients: Client[] = [];
let sandbox: TestSandbox | undefined;
let http: Pool | undefined;

await sqlOn(adminUrl, `drop database if exists ${BENCH_DB} with (force)`);
await sqlOn(adminUrl, `create database ${BENCH_DB}`);
try {
  sandbox = await startTestSandbox({ log: createLogger('silent') });
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: benchUrl.toString(),
    LEAN_API_URL: sandbox.url,
    LEAN_APP_TOKEN: TEST_APP_TOKEN,
    LEAN_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    // The per-principal rate limit (20/s by default) would refuse the setup's customers; the bench
    // measures webhook throughput, which Lean's deliveries (not a principal's GraphQL calls) drive.
    GATEWAY_RATE_LIMIT_PER_SECOND: '0',
    ...(process.env['BENCH_GATEWAY_NODE_OPTIONS'] !== undefined && { NODE_OPTIONS: process.env['BENCH_GATEWAY_NODE_OPTIONS'] }),
  };
  // One after the other: the first migrates the fresh database.
  const receiverUrl = await startQuietGateway(env);
  const subscriberUrl = await startQuietGateway(env);

  // S customers, created at Lean (the emulator) through the gateway's mutation.
  const customers: BenchCustomer[] = [];
  await pool(S, 10, async (i) => {
    const appUserId = `bench-user-${i}`;
    const answer = await postGraphQL(receiverUrl, 'mutation ($u: String!) { createCustomer(appUserId: $u) { id leanCustomerId appUserId } }', { variables: { u: appUserId } });
    const created = answer.body.data?.['createCustomer'] as { id: string; leanCustomerId: string } | undefined;
    if (created === undefined || answer.body.errors !== undefined) throw new Error(`createCustomer ${appUserId}: ${JSON.stringify(answer.body)}`);
    customers[i] = { globalId: created.id, leanCustomerId: created.leanCustomerId, appUserId };
  });

  // One graphql-ws connection and one entityLinked subscription per customer, on the second instance.
  const byEntity = new Map<string, Shot>();
  const subscriptionErrors: string[] = [];
  let deliveredCount = 0;
  let unexpected = 0;
  for (const customer of customers) {
    const client = createClient({ url: `${subscriberUrl.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
    clients.push(client);
    client.subscribe<{ entityLinked: { id: string; leanEntityId: string } }>(
      { query: ENTITY_LINKED, variables: { c: customer.globalId } },
      {
        next: (value) => {
          const receivedAt = performance.now();
          if (value.errors !== undefined) subscriptionErrors.push(JSON.stringify(value.errors));
          const shot = value.data === undefined || value.data === null ? undefined : byEntity.get(value.data.entityLinked.leanEntityId);
          if (shot === undefined || !Number.isNaN(shot.deliveredAt)) {
            unexpected++;
            return;
          }
          shot.deliveredAt = receivedAt;
          deliveredCount++;
        },
        error: (error) => subscriptionErrors.push(error instanceof Error ? error.message : JSON.stringify(error)),
        complete: () => undefined,
      },
    );
  }

  const http_ = new Pool(receiverUrl, { connections: C, pipelining: 1 });
  http = http_;

  // Warm-up, not measured: one webhook per customer, each of which must reach its subscriber. This
  // proves every subscription is live before the clock starts, and warms both processes.
  const warmup = shots(customers, S, 'warmup');
  for (const shot of warmup) byEntity.set(shot.entityId, shot);
  let warm = false;
  for (let round = 0; round < 20 && !warm; round++) {
    const missing = warmup.filter((shot) => Number.isNaN(shot.deliveredAt));
    await fire(http_, missing, C);
    // A webhook sent before its subscription was live is applied but never seen: send a new one.
    warm = await waitFor(() => warmup.every((shot) => !Number.isNaN(shot.deliveredAt)), 3_000);
    if (!warm) {
      for (const shot of missing) {
        if (!Number.isNaN(shot.deliveredAt)) continue;
        byEntity.delete(shot.entityId);
        const index = warmup.indexOf(shot);
        const [replacement] = shots([customers[index % customers.length] as BenchCustomer], 1, `warmup-r${round}-${index}`);
        if (replacement !== undefined) {
          warmup[index] = replacement;
          byEntity.set(replacement.entityId, replacement);
        }
      }
    }
  }
  if (!warm) throw new Error(`the subscribers did not all receive the warm-up webhook; errors: ${subscriptionErrors.slice(0, 3).join('; ')}`);
  deliveredCount = 0;
  unexpected = 0;
  await sandbox.control('DELETE', '/sandbox/stats');

  // The run.
  const run = shots(customers, N, 'run');
  for (const shot of run) byEntity.set(shot.entityId, shot);
  const started = performance.now();
  await fire(http_, run, C, RATE);
  const lastAck = Math.max(...run.map((shot) => shot.ackedAt));
  const allDelivered = await waitFor(() => deliveredCount >= N, TIMEOUT_MS);
  const finished = performance.now();

  const acked = run.filter((shot) => shot.status === 200);
  const delivered = run.filter((shot) => !Number.isNaN(shot.deliveredAt));
  const ackMs = run.map((shot) => shot.ackedAt - shot.sentAt).sort((a, b) => a - b);
  const deliveryMs = delivered.map((shot) => shot.deliveredAt - shot.sentAt).sort((a, b) => a - b);
  const lastDelivery = delivered.length === 0 ? Number.NaN : Math.max(...delivered.map((shot) => shot.deliveredAt));
  const inbox = await sqlOn<{ status: string; count: string; max_attempts: number }>(
    benchUrl.toString(),
    "select status, count(*) as count, max(attempts) as max_attempts from webhook_inbox where event_key like 'evt-bench-run-%' group by status order by status",
  );
  const leanStats = (await sandbox.control<Record<string, unknown>>('GET', '/sandbox/stats')).body;

  const figures = {
    at: new Date().toISOString(),
    n: N,
    c: C,
    s: S,
    offeredRate: RATE ?? null,
    acked: acked.length,
    acksPerSecond: N / ((lastAck - started) / 1_000),
    ackP50Ms: percentile(ackMs, 0.5),
    ackP99Ms: percentile(ackMs, 0.99),
    ackMaxMs: ackMs[ackMs.length - 1] ?? Number.NaN,
    delivered: delivered.length,
    deliveryP50Ms: percentile(deliveryMs, 0.5),
    deliveryP99Ms: percentile(deliveryMs, 0.99),
    deliveryMaxMs: deliveryMs[deliveryMs.length - 1] ?? Number.NaN,
    sendSeconds: (lastAck - started) / 1_000,
    lastDeliverySeconds: (lastDelivery - started) / 1_000,
    deliveriesPerSecond: delivered.length / ((lastDelivery - started) / 1_000),
    waitedSeconds: (finished - started) / 1_000,
    unexpectedEvents: unexpected,
    subscriptionErrors: subscriptionErrors.length,
    inbox: Object.fromEntries(inbox.map((row) => [row.status, { count: Number(row.count), maxAttempts: row.max_attempts }])),
    leanCalls: leanStats,
    targets: {
      acksPerSecond: { target: TARGETS.acksPerSecond, met: false },
      ackP99Ms: { target: TARGETS.ackP99Ms, met: false },
      deliveryP99Ms: { target: TARGETS.deliveryP99Ms, met: false },
    },
  };
  figures.targets.acksPerSecond.met = figures.acksPerSecond >= TARGETS.acksPerSecond;
  figures.targets.ackP99Ms.met = figures.ackP99Ms <= TARGETS.ackP99Ms;
  figures.targets.deliveryP99Ms.met = allDelivered && figures.deliveryP99Ms <= TARGETS.deliveryP99Ms;
  if (acked.length < N || !allDelivered) process.exitCode = 1;

  const ms = (value: number) => (Number.isNaN(value) ? '–' : value.toFixed(1));
  const verdict = (met: boolean) => (met ? 'met' : '**missed**');
  out();
  out(`Webhooks into one gateway, \`entityLinked\` over graphql-ws from a second, both on Postgres (${BENCH_DB}); Lean emulated in the bench process; after a warm-up of ${S}${RATE === undefined ? '' : `; sends paced at ${RATE}/s`}.`);
  out();
  out('| N | C | S | acks/s | ack p50 ms | ack p99 ms | delivery p50 ms | delivery p99 ms | delivered/N |');
  out('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  out(
    `| ${N} | ${C} | ${S} | ${Math.round(figures.acksPerSecond)} | ${ms(figures.ackP50Ms)} | ${ms(figures.ackP99Ms)} | ${ms(figures.deliveryP50Ms)} | ${ms(figures.deliveryP99Ms)} | ${delivered.length}/${N} |`,
  );
  out();
  out('| target | value | |');
  out('|---|---:|---|');
  out(`| ≥ ${TARGETS.acksPerSecond} acks/s | ${Math.round(figures.acksPerSecond)} | ${verdict(figures.targets.acksPerSecond.met)} |`);
  out(`| ack p99 ≤ ${TARGETS.ackP99Ms} ms | ${ms(figures.ackP99Ms)} | ${verdict(figures.targets.ackP99Ms.met)} |`);
  out(`| delivery p99 ≤ ${TARGETS.deliveryP99Ms} ms | ${ms(figures.deliveryP99Ms)}${allDelivered ? '' : ` (${delivered.length}/${N} delivered)`} | ${verdict(figures.targets.deliveryP99Ms.met)} |`);
  out();
  out(
    `Acked ${acked.length}/${N} with 200 in ${figures.sendSeconds.toFixed(2)} s (ack max ${ms(figures.ackMaxMs)} ms); ` +
      `last delivery ${Number.isNaN(lastDelivery) ? '–' : `${figures.lastDeliverySeconds.toFixed(2)} s`} after the first send ` +
      `(${Number.isNaN(figures.deliveriesPerSecond) ? '–' : Math.round(figures.deliveriesPerSecond)} deliveries/s); ` +
      `inbox ${inbox.map((row) => `${row.status} ${row.count}`).join(', ') || 'empty'}; unexpected events ${unexpected}, subscription errors ${subscriptionErrors.length}.`,
  );

  const dir = join(projectRoot, '.bench');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'webhooks.json'), `${JSON.stringify(figures, null, 2)}\n`);
  out(`Figures written to .bench/webhooks.json.`);
} finally {
  await Promise.all(clients.map((client) => client.dispose() as Promise<void>));
  await http?.close();
  for (const gateway of gateways) {
    if (gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGTERM');
    await gateway.exited;
  }
  await sandbox?.close();
  await sqlOn(adminUrl, `drop database if exists ${BENCH_DB} with (force)`);
}
