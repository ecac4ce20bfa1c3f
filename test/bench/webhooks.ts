// `npm run bench:webhooks` (or `node --import tsx test/bench/webhooks.ts`): signed `entity.created`
// webhooks into one gateway on the Postgres server, with S graphql-ws subscribers of `entityLinked` on
// a second instance on the same database; both instances apply webhooks. Two phases, each printed
// against its targets with met or missed:
// - burst: N webhooks at C in flight, as fast as they are acknowledged (≥ 1,000 acks/s, ack p99 ≤
//   50 ms; every event delivered on the other instance, delivery p99 ≤ 2 s, the last delivery ≤ 8 s
//   after the last ack) — Lean redelivering a backlog at once;
// - paced: BENCH_RATE webhooks a second for BENCH_PACED_SECONDS (delivery p99 ≤ 250 ms) — the
//   delivery path without a backlog.
// Each phase also reports the rows each instance applied per second (from its /metrics). The figures
// go to BENCH_OUT_DIR/webhooks.json (default .bench/).
//
// BENCH_N (default 5000), BENCH_C (50), BENCH_S (100); BENCH_RATE (200) and BENCH_PACED_SECONDS (20);
// BENCH_PHASES (burst,paced): which phases run; BENCH_TIMEOUT_MS (60000): how long to wait for
// deliveries after a phase's last ack; BENCH_GATEWAY_NODE_OPTIONS: NODE_OPTIONS of both gateways, e.g.
// `--import tsx --import ./test/bench/cpu-profile.ts` to CPU-profile them. Works in a throwaway
// database `bench_webhooks` (BENCH_DATABASE_NAME) on BENCH_DATABASE_URL's server (default:
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

const BENCH_DB = process.env['BENCH_DATABASE_NAME'] ?? 'bench_webhooks';
if (!/^[a-z_][a-z0-9_]*$/.test(BENCH_DB)) throw new Error(`BENCH_DATABASE_NAME: expected a lower-case identifier, got ${JSON.stringify(BENCH_DB)}`);
const OUT_DIR = process.env['BENCH_OUT_DIR'] ?? join(projectRoot, '.bench');
const TARGETS = { acksPerSecond: 1_000, ackP99Ms: 50, burstDeliveryP99Ms: 2_000, lastDeliveryAfterLastAckSeconds: 8, pacedDeliveryP99Ms: 250 } as const;

const N = positiveInteger('BENCH_N', 5_000);
const C = positiveInteger('BENCH_C', 50);
const S = positiveInteger('BENCH_S', 100);
const TIMEOUT_MS = positiveInteger('BENCH_TIMEOUT_MS', 60_000);
const RATE = positiveInteger('BENCH_RATE', 200);
const PACED_SECONDS = positiveInteger('BENCH_PACED_SECONDS', 20);
const PHASES = (process.env['BENCH_PHASES'] ?? 'burst,paced').split(',').map((phase) => phase.trim());
for (const phase of PHASES) if (phase !== 'burst' && phase !== 'paced') throw new Error(`BENCH_PHASES: expected burst and/or paced, got ${JSON.stringify(phase)}`);

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

/** Rows a gateway has applied (APPLIED or IGNORED) since it started, from its /metrics; undefined when it does not answer them. */
async function appliedBy(url: string): Promise<number | undefined> {
  const response = await fetch(`${url}/metrics`).catch(() => undefined);
  if (response === undefined || response.status !== 200) return undefined;
  let total = 0;
  for (const line of (await response.text()).split('\n')) {
    if (line.startsWith('gateway_webhook_processing_lag_seconds_count')) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

interface PhaseFigures {
  readonly phase: 'burst' | 'paced';
  readonly n: number;
  readonly c: number;
  readonly offeredRate: number | null;
  readonly acked: number;
  readonly acksPerSecond: number;
  readonly ackP50Ms: number;
  readonly ackP99Ms: number;
  readonly ackMaxMs: number;
  readonly delivered: number;
  readonly allDelivered: boolean;
  readonly deliveryP50Ms: number;
  readonly deliveryP99Ms: number;
  readonly deliveryMaxMs: number;
  readonly sendSeconds: number;
  readonly lastDeliverySeconds: number;
  readonly lastDeliveryAfterLastAckSeconds: number;
  readonly deliveriesPerSecond: number;
  readonly unexpectedEvents: number;
  /** Rows each instance applied during the phase, and per second from the first send to the last delivery. */
  readonly appliedPerInstance: Record<string, { rows: number | null; perSecond: number | null }>;
  readonly inbox: Record<string, { count: number; maxAttempts: number }>;
  readonly leanCalls: Record<string, unknown>;
  readonly targets: Record<string, { target: number; met: boolean }>;
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
  const instances = [
    { name: 'receiver', url: receiverUrl },
    { name: 'subscriber', url: subscriberUrl },
  ] as const;

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

  const phases: PhaseFigures[] = [];
  const runPhase = async (phase: 'burst' | 'paced', count: number, rate: number | undefined): Promise<PhaseFigures> => {
    deliveredCount = 0;
    unexpected = 0;
    await sandbox?.control('DELETE', '/sandbox/stats');
    const appliedBefore = await Promise.all(instances.map((instance) => appliedBy(instance.url)));
    const run = shots(customers, count, phase);
    for (const shot of run) byEntity.set(shot.entityId, shot);
    const started = performance.now();
    await fire(http_, run, C, rate);
    const lastAck = Math.max(...run.map((shot) => shot.ackedAt));
    const allDelivered = await waitFor(() => deliveredCount >= count, TIMEOUT_MS);
    const appliedAfter = await Promise.all(instances.map((instance) => appliedBy(instance.url)));

    const acked = run.filter((shot) => shot.status === 200);
    const delivered = run.filter((shot) => !Number.isNaN(shot.deliveredAt));
    const ackMs = run.map((shot) => shot.ackedAt - shot.sentAt).sort((a, b) => a - b);
    const deliveryMs = delivered.map((shot) => shot.deliveredAt - shot.sentAt).sort((a, b) => a - b);
    const lastDelivery = delivered.length === 0 ? Number.NaN : Math.max(...delivered.map((shot) => shot.deliveredAt));
    const inbox = await sqlOn<{ status: string; count: string; max_attempts: number }>(
      benchUrl.toString(),
      `select status, count(*) as count, max(attempts) as max_attempts from webhook_inbox where event_key like 'evt-bench-${phase}-%' group by status order by status`,
    );
    const leanStats = (await sandbox?.control<Record<string, unknown>>('GET', '/sandbox/stats'))?.body ?? {};
    const spanSeconds = (lastDelivery - started) / 1_000;
    const appliedPerInstance = Object.fromEntries(
      instances.map((instance, index) => {
        const before = appliedBefore[index];
        const after = appliedAfter[index];
        const rows = before === undefined || after === undefined ? null : after - before;
        return [instance.name, { rows, perSecond: rows === null || Number.isNaN(spanSeconds) ? null : rows / spanSeconds }];
      }),
    );
    const ackP99Ms = percentile(ackMs, 0.99);
    const deliveryP99Ms = percentile(deliveryMs, 0.99);
    const acksPerSecond = count / ((lastAck - started) / 1_000);
    const lastDeliveryAfterLastAckSeconds = (lastDelivery - lastAck) / 1_000;
    const targets: PhaseFigures['targets'] =
      phase === 'burst'
        ? {
            acksPerSecond: { target: TARGETS.acksPerSecond, met: acksPerSecond >= TARGETS.acksPerSecond },
            ackP99Ms: { target: TARGETS.ackP99Ms, met: ackP99Ms <= TARGETS.ackP99Ms },
            deliveryP99Ms: { target: TARGETS.burstDeliveryP99Ms, met: allDelivered && deliveryP99Ms <= TARGETS.burstDeliveryP99Ms },
            lastDeliveryAfterLastAckSeconds: {
              target: TARGETS.lastDeliveryAfterLastAckSeconds,
              met: allDelivered && lastDeliveryAfterLastAckSeconds <= TARGETS.lastDeliveryAfterLastAckSeconds,
            },
          }
        : { deliveryP99Ms: { target: TARGETS.pacedDeliveryP99Ms, met: allDelivered && deliveryP99Ms <= TARGETS.pacedDeliveryP99Ms } };
    if (acked.length < count || !allDelivered) process.exitCode = 1;
    return {
      phase,
      n: count,
      c: C,
      offeredRate: rate ?? null,
      acked: acked.length,
      acksPerSecond,
      ackP50Ms: percentile(ackMs, 0.5),
      ackP99Ms,
      ackMaxMs: ackMs[ackMs.length - 1] ?? Number.NaN,
      delivered: delivered.length,
      allDelivered,
      deliveryP50Ms: percentile(deliveryMs, 0.5),
      deliveryP99Ms,
      deliveryMaxMs: deliveryMs[deliveryMs.length - 1] ?? Number.NaN,
      sendSeconds: (lastAck - started) / 1_000,
      lastDeliverySeconds: spanSeconds,
      lastDeliveryAfterLastAckSeconds,
      deliveriesPerSecond: delivered.length / spanSeconds,
      unexpectedEvents: unexpected,
      appliedPerInstance,
      inbox: Object.fromEntries(inbox.map((row) => [row.status, { count: Number(row.count), maxAttempts: row.max_attempts }])),
      leanCalls: leanStats,
      targets,
    };
  };
  for (const phase of PHASES) {
    phases.push(phase === 'burst' ? await runPhase('burst', N, undefined) : await runPhase('paced', RATE * PACED_SECONDS, RATE));
  }

  const ms = (value: number) => (Number.isNaN(value) ? '–' : value.toFixed(1));
  const perSecond = (value: number | null) => (value === null || Number.isNaN(value) ? '–' : String(Math.round(value)));
  const verdict = (met: boolean) => (met ? 'met' : '**missed**');
  const TARGET_LABELS: Record<string, (target: number) => string> = {
    acksPerSecond: (target) => `≥ ${target} acks/s`,
    ackP99Ms: (target) => `ack p99 ≤ ${target} ms`,
    deliveryP99Ms: (target) => `delivery p99 ≤ ${target} ms`,
    lastDeliveryAfterLastAckSeconds: (target) => `last delivery ≤ ${target} s after the last ack`,
  };
  const valueOf = (figures: PhaseFigures, name: string): string => {
    if (name === 'acksPerSecond') return String(Math.round(figures.acksPerSecond));
    if (name === 'ackP99Ms') return ms(figures.ackP99Ms);
    if (name === 'deliveryP99Ms') return `${ms(figures.deliveryP99Ms)}${figures.allDelivered ? '' : ` (${figures.delivered}/${figures.n} delivered)`}`;
    return Number.isNaN(figures.lastDeliveryAfterLastAckSeconds) ? '–' : `${figures.lastDeliveryAfterLastAckSeconds.toFixed(2)} s`;
  };
  out();
  out(`Webhooks into one gateway, \`entityLinked\` over graphql-ws from a second, both on Postgres (${BENCH_DB}) and both applying; Lean emulated in the bench process; after a warm-up of ${S}.`);
  out();
  out('| phase | N | C | offered/s | acks/s | ack p50 ms | ack p99 ms | delivery p50 ms | delivery p99 ms | delivered/N | applied/s receiver | applied/s subscriber |');
  out('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const figures of phases) {
    out(
      `| ${figures.phase} | ${figures.n} | ${figures.c} | ${figures.offeredRate ?? 'max'} | ${Math.round(figures.acksPerSecond)} | ${ms(figures.ackP50Ms)} | ${ms(figures.ackP99Ms)} | ` +
        `${ms(figures.deliveryP50Ms)} | ${ms(figures.deliveryP99Ms)} | ${figures.delivered}/${figures.n} | ` +
        `${perSecond(figures.appliedPerInstance['receiver']?.perSecond ?? null)} | ${perSecond(figures.appliedPerInstance['subscriber']?.perSecond ?? null)} |`,
    );
  }
  out();
  out('| phase | target | value | |');
  out('|---|---|---:|---|');
  for (const figures of phases) {
    for (const [name, { target, met }] of Object.entries(figures.targets)) {
      out(`| ${figures.phase} | ${TARGET_LABELS[name]?.(target) ?? name} | ${valueOf(figures, name)} | ${verdict(met)} |`);
    }
  }
  out();
  for (const figures of phases) {
    const applied = Object.entries(figures.appliedPerInstance)
      .map(([name, { rows }]) => `${name} ${rows ?? '–'}`)
      .join(', ');
    out(
      `${figures.phase}: acked ${figures.acked}/${figures.n} with 200 in ${figures.sendSeconds.toFixed(2)} s (ack max ${ms(figures.ackMaxMs)} ms); ` +
        `last delivery ${Number.isNaN(figures.lastDeliverySeconds) ? '–' : `${figures.lastDeliverySeconds.toFixed(2)} s`} after the first send ` +
        `(${perSecond(figures.deliveriesPerSecond)} deliveries/s); rows applied: ${applied}; ` +
        `inbox ${Object.entries(figures.inbox).map(([status, { count }]) => `${status} ${count}`).join(', ') || 'empty'}; unexpected events ${figures.unexpectedEvents}, subscription errors ${subscriptionErrors.length}.`,
    );
  }

  const figures = { at: new Date().toISOString(), s: S, subscriptionErrors: subscriptionErrors.length, phases };
  await mkdir(OUT_DIR, { recursive: true });
  await writeFile(join(OUT_DIR, 'webhooks.json'), `${JSON.stringify(figures, null, 2)}\n`);
  out(`Figures written to ${join(OUT_DIR, 'webhooks.json')}.`);
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
