// `npm run bench:subscriptions` (or `node --import tsx test/bench/subscriptions.ts`): S graphql-ws
// subscribers of `entityLinked` for one customer on one gateway, each on its own WebSocket as a
// browser would, all as the same service (an API key); then ONE bank link through the Lean emulator
// (`POST /sandbox/connect` → signed `entity.created` webhook → inbox → NOTIFY → fan-out). Prints the
// gateway's memory per subscriber and the time until the last subscriber received the event, against
// the targets (≤ 50 KB per subscriber, all delivered within 1 s), and writes .bench/subscriptions.json
// and .bench/subscriptions.md.
//
// Memory: the gateway's RSS (VmRSS of /proc/<pid>/status) and V8 heap (`Runtime.getHeapUsage` over the
// gateway's inspector, started with --inspect on a free port), each after a full GC forced the same way
// (`HeapProfiler.collectGarbage`), before the first socket and after every subscriber received a
// warm-up event (which is how the bench knows that every subscription is live); per subscriber is the
// difference divided by S. Time: from the trigger (the bench calls /sandbox/connect) and from the
// publish (the NOTIFY reaching a LISTEN connection of the bench on the same database, which is when the
// gateway's own listener gets it too) until each subscriber's `next` runs in this process.
//
// The gateway executes an event once per group of identical subscribers (same document, variables and
// principal) and shares the result: here all are one group, its best case. BENCH_DISTINCT=1 gives each
// subscriber a document of its own (an extra alias), so every delivery is executed on its own.
//
// BENCH_SUBSCRIBERS (default 5000); BENCH_CONNECT_CONCURRENCY (100): sockets opened at once;
// BENCH_TIMEOUT_MS (60000): how long to wait for an event to reach every subscriber;
// BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres): the Postgres server, on which the
// bench works in a throwaway database of its own, dropped at the end; BENCH_OUT_DIR (.bench): where the
// figures go; BENCH_GATEWAY_NODE_OPTIONS: extra NODE_OPTIONS of the gateway, e.g.
// `--import ./test/bench/cpu-profile.ts` to CPU-profile its whole life; BENCH_PROFILE=1: CPU-profile
// the gateway (over its inspector) from the measured event's trigger to its last delivery, into
// <BENCH_OUT_DIR>/profiles/. The rate limit is off
// (GATEWAY_RATE_LIMIT_PER_SECOND=0): every subscribe takes a token. Missed targets are reported, not
// failed; the exit code is 1 only when a subscriber did not connect or did not receive the event.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { createLogger } from '../../src/log.js';
import { projectRoot, spawnGateway, type SpawnedGateway } from '../kit/gateway.js';
import { postGraphQL } from '../kit/graphql.js';
import { startTestSandbox, TEST_APP_TOKEN, TEST_WEBHOOK_SECRET, type TestSandbox } from '../kit/sandbox.js';
import { freePort, percentile, pool, positiveInteger, sleep, sqlOn, waitFor } from './kit.js';

const TARGETS = { kbPerSubscriber: 50, lastDeliveryMs: 1_000 } as const;
const EVENT_CHANNEL = 'lean_gateway_events';
const API_KEY = `bench-subscriptions-${randomBytes(12).toString('hex')}`;
const SUBSCRIPTION = 'subscription ($c: ID!) { entityLinked(customerId: $c) { id leanEntityId status bank { identifier name } } }';
/** The i-th subscriber's document: the same for all, or (BENCH_DISTINCT=1) one of its own, which no one shares. */
const documentOf = (index: number): string => (DISTINCT ? SUBSCRIPTION.replace('{ id leanEntityId', `{ id leanEntityId s${index}: status`) : SUBSCRIPTION);

const S = positiveInteger('BENCH_SUBSCRIBERS', 5_000);
const CONNECT_CONCURRENCY = positiveInteger('BENCH_CONNECT_CONCURRENCY', 100);
const TIMEOUT_MS = positiveInteger('BENCH_TIMEOUT_MS', 60_000);
const PROFILE = process.env['BENCH_PROFILE'] === '1';
const DISTINCT = process.env['BENCH_DISTINCT'] === '1';
const outDir = ((dir) => (isAbsolute(dir) ? dir : join(projectRoot, dir)))(process.env['BENCH_OUT_DIR'] ?? '.bench');

const adminUrl = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchDb = `bench_subscriptions_${randomBytes(4).toString('hex')}`;
const benchUrl = new URL(adminUrl);
benchUrl.pathname = `/${benchDb}`;

const out = (line = ''): boolean => process.stdout.write(`${line}\n`);
const load = (): number => Number((loadavg()[0] ?? Number.NaN).toFixed(2));

/** Open-file limit of this process (the gateway, its child, inherits it). */
function openFileLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const soft = line?.split(/\s{2,}/)[1];
  return soft === undefined || soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
}

/** Resident set size of a process, in bytes. */
function rssOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match?.[1] === undefined) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) * 1024;
}

const openFiles = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;

/** CPU time (user + system) a process has used so far, in ms; clock ticks are 1/100 s on Linux. */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A Chrome DevTools Protocol session on the gateway's inspector: forced GCs and heap figures. */
class Inspector {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { id?: number; result?: unknown; error?: { message: string } };
      const pending = message.id === undefined ? undefined : this.waiting.get(message.id);
      if (pending === undefined || message.id === undefined) return;
      this.waiting.delete(message.id);
      if (message.error !== undefined) pending.reject(new Error(message.error.message));
      else pending.resolve(message.result);
    });
  }

  static async connect(url: string): Promise<Inspector> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new Inspector(socket);
  }

  call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: (value) => resolve(value as T), reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Full GC (twice: the first frees what finalizers release), then the heap in use. */
  async heapAfterGc(): Promise<number> {
    await this.call('HeapProfiler.collectGarbage');
    await this.call('HeapProfiler.collectGarbage');
    return (await this.call<{ usedSize: number }>('Runtime.getHeapUsage')).usedSize;
  }

  close(): void {
    this.socket.close();
  }
}

interface MemorySample {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly openFiles: number;
  readonly load1: number;
}

async function memory(pid: number, inspector: Inspector): Promise<MemorySample> {
  const heapUsedBytes = await inspector.heapAfterGc();
  await sleep(200); // let the allocator hand freed pages back before reading RSS
  return { rssBytes: rssOf(pid), heapUsedBytes, openFiles: openFiles(pid), load1: load() };
}

interface Subscriber {
  readonly client: Client;
  /** `performance.now()` when the awaited event arrived; NaN until then. */
  receivedAt: number;
  events: number;
}

const limit = openFileLimit();
if (limit < S + 256) {
  throw new Error(`the open-file limit (ulimit -n) is ${limit}: ${S} subscribers need at least ${S + 256}; raise it with \`ulimit -n ${S + 1024}\``);
}

let gateway: SpawnedGateway | undefined;
let sandbox: TestSandbox | undefined;
let listener: pg.Client | undefined;
let inspector: Inspector | undefined;
const subscribers: Subscriber[] = [];

await sqlOn(adminUrl, `create database ${benchDb}`);
try {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  sandbox = await startTestSandbox({ log: createLogger('silent'), webhookUrl: () => `${url}/webhooks/lean` });
  const sandboxUrl = sandbox.url;
  gateway = spawnGateway({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    DATABASE_URL: benchUrl.toString(),
    LEAN_API_URL: sandboxUrl,
    LEAN_APP_TOKEN: TEST_APP_TOKEN,
    LEAN_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    GATEWAY_API_KEYS: API_KEY,
    GATEWAY_RATE_LIMIT_PER_SECOND: '0',
    NODE_OPTIONS: ['--inspect=127.0.0.1:0', process.env['BENCH_GATEWAY_NODE_OPTIONS'] ?? ''].join(' ').trim(),
  });
  const child = gateway.child;
  const pid = child.pid;
  if (pid === undefined) throw new Error('the gateway did not start');
  // With LOG_LEVEL=warn there is no "gateway ready" line: poll /readyz.
  const started = performance.now();
  while (!(await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`gateway exited before it was ready:\n${gateway.stderr.join('')}`);
    if (performance.now() - started > 60_000) throw new Error('gateway not ready within 60 s');
    await sleep(50);
  }
  const inspectorUrl = /Debugger listening on (ws:\/\/\S+)/.exec(gateway.stderr.join(''))?.[1];
  if (inspectorUrl === undefined) throw new Error(`the gateway's inspector did not announce itself:\n${gateway.stderr.join('')}`);
  inspector = await Inspector.connect(inspectorUrl);

  const created = await postGraphQL(url, 'mutation { createCustomer(appUserId: "bench-subscriptions") { id leanCustomerId } }', { token: API_KEY });
  const customer = created.body.data?.['createCustomer'] as { id: string; leanCustomerId: string } | undefined;
  if (customer === undefined) throw new Error(`createCustomer: ${JSON.stringify(created.body)}`);

  // The bench's own LISTEN on the gateway's channel: when an event is published.
  const published = new Map<string, number>();
  listener = new pg.Client({ connectionString: benchUrl.toString() });
  await listener.connect();
  // The NOTIFY only wakes readers: the events it announces are the log's rows after the last one seen.
  let seen = 0;
  let reading = Promise.resolve();
  listener.on('notification', () => {
    const at = performance.now();
    reading = reading.then(async () => {
      const rows = await listener?.query<{ position: string; entity_id: string | null }>("select position, event->>'entityId' as entity_id from event_log where position > $1 order by position", [seen]);
      for (const row of rows?.rows ?? []) {
        seen = Math.max(seen, Number(row.position));
        if (row.entity_id !== null && !published.has(row.entity_id)) published.set(row.entity_id, at);
      }
    });
  });
  await listener.query(`listen ${EVENT_CHANNEL}`);

  let awaited: string | undefined;
  const errors: string[] = [];
  let unexpected = 0;
  let received = 0;

  async function link(): Promise<{ entityId: string; triggeredAt: number }> {
    const triggeredAt = performance.now();
    const response = await fetch(`${sandboxUrl}/sandbox/connect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customer_id: customer?.leanCustomerId, bank_identifier: 'LEANMB1', permissions: ['identity', 'accounts', 'balance', 'transactions'] }),
    });
    if (response.status !== 201) throw new Error(`/sandbox/connect answered ${response.status}: ${await response.text()}`);
    return { entityId: ((await response.json()) as { id: string }).id, triggeredAt };
  }

  function open(index: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const subscriber: Subscriber = {
        client: createClient({
          url: `${url.replace(/^http/, 'ws')}/graphql`,
          webSocketImpl: WebSocket,
          lazy: false,
          retryAttempts: 0,
          connectionParams: { authorization: `Bearer ${API_KEY}` },
          on: {
            connected: () => resolve(),
            closed: (event) => reject(new Error(`subscriber ${index}: socket closed before it was acknowledged (${(event as { code?: number }).code ?? '?'})`)),
          },
        }),
        receivedAt: Number.NaN,
        events: 0,
      };
      subscribers[index] = subscriber;
      subscriber.client.subscribe<{ entityLinked: { leanEntityId: string } }>(
        { query: documentOf(index), variables: { c: customer?.id } },
        {
          next: (value) => {
            const at = performance.now();
            if (value.errors !== undefined) errors.push(JSON.stringify(value.errors));
            const entityId = value.data?.entityLinked.leanEntityId;
            subscriber.events++;
            if (entityId === undefined || entityId !== awaited || !Number.isNaN(subscriber.receivedAt)) {
              unexpected++;
              return;
            }
            subscriber.receivedAt = at;
            received++;
          },
          error: (error) => errors.push(error instanceof Error ? error.message : JSON.stringify(error)),
          complete: () => undefined,
        },
      );
    });
  }

  function expect(entityId: string): void {
    awaited = entityId;
    received = 0;
    unexpected = 0;
    for (const subscriber of subscribers) subscriber.receivedAt = Number.NaN;
  }

  // Warm the gateway's code paths with one subscriber and one event, so the baseline is not a cold process.
  await open(0);
  for (let attempt = 0; ; attempt++) {
    const { entityId } = await link();
    expect(entityId);
    if (await waitFor(() => received === 1, 3_000)) break;
    if (attempt === 5) throw new Error(`the warm-up subscriber received nothing; errors: ${errors.slice(0, 3).join('; ')}`);
  }
  await (subscribers.pop()?.client.dispose() as Promise<void>);
  await sleep(500);

  const before = await memory(pid, inspector);
  out(`Gateway pid ${pid}; open-file limit ${limit}; baseline RSS ${(before.rssBytes / 2 ** 20).toFixed(1)} MiB, heap ${(before.heapUsedBytes / 2 ** 20).toFixed(1)} MiB (load ${before.load1}).`);

  const connectStarted = performance.now();
  await pool(S, CONNECT_CONCURRENCY, open);
  const connectSeconds = (performance.now() - connectStarted) / 1_000;
  out(`${S} sockets acknowledged in ${connectSeconds.toFixed(1)} s.`);

  // Every subscription is live once every subscriber received an event; those that were not yet live
  // when one was published wait for the next.
  let warmupRounds = 0;
  let warmupMs = Number.NaN;
  for (;;) {
    warmupRounds++;
    const { entityId, triggeredAt } = await link();
    expect(entityId);
    const live = await waitFor(() => received === S, 10_000);
    if (live) {
      warmupMs = Math.max(...subscribers.map((s) => s.receivedAt)) - triggeredAt;
      break;
    }
    if (warmupRounds === 10) throw new Error(`after 10 events ${received}/${S} subscribers received one; errors: ${errors.slice(0, 3).join('; ')}`);
  }
  out(`All ${S} subscriptions live after ${warmupRounds} warm-up event(s); the last warm-up delivery took ${warmupMs.toFixed(0)} ms from its trigger.`);
  await sleep(1_000);
  const after = await memory(pid, inspector);

  // The measured event.
  let peakRss = rssOf(pid);
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssOf(pid));
  }, 25);
  const loadAtEvent = load();
  if (PROFILE) {
    await inspector.call('Profiler.enable');
    await inspector.call('Profiler.setSamplingInterval', { interval: 200 });
    await inspector.call('Profiler.start');
  }
  const cpuBefore = cpuMsOf(pid);
  const { entityId, triggeredAt } = await link();
  expect(entityId);
  const allDelivered = await waitFor(() => received === S, TIMEOUT_MS);
  const gatewayCpuMs = cpuMsOf(pid) - cpuBefore;
  clearInterval(sampler);
  let profileFile: string | undefined;
  if (PROFILE) {
    const { profile } = await inspector.call<{ profile: unknown }>('Profiler.stop');
    profileFile = join(outDir, 'profiles', `subscriptions-${Date.now()}.cpuprofile`);
    await mkdir(join(outDir, 'profiles'), { recursive: true });
    await writeFile(profileFile, JSON.stringify(profile));
    out(`CPU profile of the gateway from the trigger to the last delivery: ${profileFile}`);
  }
  const publishedAt = published.get(entityId) ?? Number.NaN;

  const times = subscribers.map((s) => s.receivedAt).filter((t) => !Number.isNaN(t));
  const last = times.length === 0 ? Number.NaN : Math.max(...times);
  const first = times.length === 0 ? Number.NaN : Math.min(...times);
  const fromPublish = times.map((t) => t - publishedAt).sort((a, b) => a - b);
  const fromTrigger = times.map((t) => t - triggeredAt).sort((a, b) => a - b);
  const figures = {
    at: new Date().toISOString(),
    subscribers: S,
    database: 'postgres',
    principal: 'service (API key)',
    subscription: SUBSCRIPTION,
    distinctDocuments: DISTINCT,
    openFileLimit: limit,
    connectSeconds,
    warmupRounds,
    warmupLastDeliveryMs: warmupMs,
    before: { ...before, rssMiB: before.rssBytes / 2 ** 20, heapUsedMiB: before.heapUsedBytes / 2 ** 20 },
    after: { ...after, rssMiB: after.rssBytes / 2 ** 20, heapUsedMiB: after.heapUsedBytes / 2 ** 20 },
    peakRssMiB: peakRss / 2 ** 20,
    kbPerSubscriber: (after.rssBytes - before.rssBytes) / 1_024 / S,
    heapKbPerSubscriber: (after.heapUsedBytes - before.heapUsedBytes) / 1_024 / S,
    delivered: times.length,
    publishAfterTriggerMs: publishedAt - triggeredAt,
    firstDeliveryFromPublishMs: first - publishedAt,
    lastDeliveryFromTriggerMs: last - triggeredAt,
    lastDeliveryFromPublishMs: last - publishedAt,
    deliveryFromPublishP50Ms: percentile(fromPublish, 0.5),
    deliveryFromPublishP99Ms: percentile(fromPublish, 0.99),
    deliveryFromTriggerP50Ms: percentile(fromTrigger, 0.5),
    deliveryFromTriggerP99Ms: percentile(fromTrigger, 0.99),
    gatewayCpuMs,
    load1AtEvent: loadAtEvent,
    load1AfterEvent: load(),
    unexpectedEvents: unexpected,
    errors: errors.length,
    errorSamples: [...new Set(errors)].slice(0, 3),
    targets: {
      kbPerSubscriber: { target: TARGETS.kbPerSubscriber, met: false },
      lastDeliveryMs: { target: TARGETS.lastDeliveryMs, met: false },
    },
  };
  figures.targets.kbPerSubscriber.met = figures.kbPerSubscriber <= TARGETS.kbPerSubscriber;
  figures.targets.lastDeliveryMs.met = allDelivered && figures.lastDeliveryFromTriggerMs <= TARGETS.lastDeliveryMs;
  if (!allDelivered || errors.length > 0) process.exitCode = 1;

  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const ms = (value: number) => (Number.isNaN(value) ? '–' : value.toFixed(0));
  const verdict = (met: boolean) => (met ? 'met' : '**missed**');
  const lines = [
    `\`entityLinked\` over graphql-ws: ${S} subscribers (one socket each, one service API key) of one customer on one gateway (Postgres, ${benchDb}); ${DISTINCT ? 'a document of its own per subscriber (nothing shared)' : 'one document (one execution per event, shared)'}; one bank link through the emulator; rate limit off.`,
    '',
    '| subscribers | RSS before MiB | RSS after MiB | KB/subscriber | heap before MiB | heap after MiB | heap KB/subscriber | peak RSS MiB | last from trigger ms | last from publish ms | p50 / p99 from publish ms | delivered | load 1m |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${S} | ${mib(before.rssBytes)} | ${mib(after.rssBytes)} | ${figures.kbPerSubscriber.toFixed(1)} | ${mib(before.heapUsedBytes)} | ${mib(after.heapUsedBytes)} | ${figures.heapKbPerSubscriber.toFixed(1)} | ${mib(peakRss)} | ${ms(figures.lastDeliveryFromTriggerMs)} | ${ms(figures.lastDeliveryFromPublishMs)} | ${ms(figures.deliveryFromPublishP50Ms)} / ${ms(figures.deliveryFromPublishP99Ms)} | ${times.length}/${S} | ${loadAtEvent} |`,
    '',
    '| target | value | |',
    '|---|---:|---|',
    `| ≤ ${TARGETS.kbPerSubscriber} KB per subscriber (RSS) | ${figures.kbPerSubscriber.toFixed(1)} | ${verdict(figures.targets.kbPerSubscriber.met)} |`,
    `| all delivered ≤ ${TARGETS.lastDeliveryMs} ms after the trigger | ${ms(figures.lastDeliveryFromTriggerMs)}${allDelivered ? '' : ` (${times.length}/${S})`} | ${verdict(figures.targets.lastDeliveryMs.met)} |`,
    '',
    `Published ${ms(figures.publishAfterTriggerMs)} ms after the trigger (webhook, inbox, apply, commit); first delivery ${ms(figures.firstDeliveryFromPublishMs)} ms after the publish; ` +
      `p50 / p99 from the trigger ${ms(figures.deliveryFromTriggerP50Ms)} / ${ms(figures.deliveryFromTriggerP99Ms)} ms; the gateway used ${gatewayCpuMs} ms of CPU from the trigger to the last delivery (the wall time above includes waiting for a core). Sockets opened in ${connectSeconds.toFixed(1)} s; ` +
      `open files of the gateway ${before.openFiles} → ${after.openFiles}; ${warmupRounds} warm-up event(s), the last delivered in ${ms(warmupMs)} ms; unexpected events ${unexpected}, errors ${errors.length}.`,
  ];
  for (const line of lines) out(line);
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'subscriptions.json'), `${JSON.stringify(figures, null, 2)}\n`);
  await writeFile(join(outDir, 'subscriptions.md'), `${lines.join('\n')}\n`);
  out(`Figures written to ${join(outDir, 'subscriptions.json')} and subscriptions.md.`);
} finally {
  inspector?.close();
  await Promise.all(subscribers.map((subscriber) => subscriber.client.dispose() as Promise<void>));
  await listener?.end();
  if (gateway !== undefined) {
    if (gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGTERM');
    await gateway.exited;
  }
  await sandbox?.close();
  await sqlOn(adminUrl, `drop database if exists ${benchDb} with (force)`);
}
