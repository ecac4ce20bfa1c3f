// `npm run bench:query` (or `node --import tsx test/bench/query.ts`): the read path under load.
//
// 1. Seeds, through the gateway's public surface and the Lean emulator (in this process, seed
//    `bench-query`), BENCH_CUSTOMERS customers (default 200), each with 2 linked banks (LEANMB1 and
//    LEANMB2) of 3 accounts each, and 1 year of transactions per account: `createCustomer`, then
//    `POST /sandbox/connect` twice (the emulator sends `entity.created` to the gateway), then one
//    query per customer asking each account for the last 365 days, which the gateway fetches from
//    Lean and stores. The emulator's data is derived from the seed, so the app user ids are chosen
//    (`bench-query-<n>`, skipping those whose banks hold fewer than 3 accounts) before anything starts.
//    Beside them, linked the same way but never read by the measured requests: 2 customers for the
//    churn of (e), and 1 customer for (f), whose data nothing reads before (f).
// 2. Cold cache: before their data is read, the nested query (a) runs for a few customers one at a
//    time, and the emulator's /sandbox/stats says how many Lean calls each cost (the v2 token call
//    apart). The emulator sends no refresh webhooks here: they would have the gateway read
//    everything right after the link, and the cold path would never be met.
// The gateway speaks Lean v2 (OAuth2 client credentials); BENCH_LEAN_API_VERSION=v1 for the app token.
// 3. Warm cache: the seeding gateway stops and a fresh one starts on the same database (so its peak
//    RSS is that of the measured runs; BENCH_GATEWAY_NODE_OPTIONS applies to it only); each query
//    runs once per customer/account to warm it; then autocannon (BENCH_CONNECTIONS, default 32;
//    BENCH_DURATION seconds, default 20) drives, one after the other:
//    (a) the nested query: customer → entities → accounts → balance and the first 20 transactions,
//        a random customer per request, with the response cache (GATEWAY_RESPONSE_CACHE_SECONDS);
//    (d) the same nested query on a second gateway process on the same database, with the response
//        cache off (GATEWAY_RESPONSE_CACHE_SECONDS=0); it starts beside the measured one, idles until
//        (d) and answers every customer's nested query once after the warm-up: every answer is read
//        from the store (Lean calls stay 0: the store is warm);
//    (f) not autocannon: 20 nested queries at once for the customer nothing has read yet, 10 to the
//        measured gateway and 10 to the second one; the Lean calls they cost (token calls apart)
//        against those of one cold query (2.); then the second gateway stops;
//    (e) the nested query as in (a) (the cache warmed again first), while twice a second a mutation
//        or a webhook about a churn customer arrives at the measured gateway, in turn: `prepareLink`
//        (changes nothing stored), `requestDataRefresh` (records a refresh), and an `entity.updated`
//        webhook signed with the bench's secret (the gateway reads the entity again and publishes
//        `dataChanged`); test/bench/churn.ts. The operations are counted and printed (and the
//        webhooks applied); one that fails counts as an error of (e);
//    (b) a page of 50 transactions deep in the history: the oldest 50 of the account's year (an
//        `after` cursor ~a year back), a random account per request (accounts with ≥ 51 transactions);
//    (c) `{ __typename }` on a bare graphql-yoga server (test/bench/bare-yoga.ts) in its own process:
//        the ceiling of the stack on this machine.
// For each: requests/s, latency p50/p97.5/p99, the ratio to (c), and the answering process's CPU
// per request (utime + stime from /proc/<pid>/stat, in `getconf CLK_TCK` ticks, read right before
// and after the run, over the requests completed; the pid is the node process itself: spawnGateway
// spawns node, not npm). Also the gateway's peak RSS, the ratio (e)/(a) and the targets, met or
// missed (TARGETS: (a) ≥ 35% of (c) req/s, p99 ≤ 50 ms; (b) p99 ≤ 30 ms; (d) ≥ 10% of (c) req/s,
// ≤ 3 ms gateway CPU per request, p99 ≤ 150 ms at 32 connections; (e) ≥ 80% of (a) req/s; (f) Lean
// calls ≤ one cold query's; VmHWM ≤ 300 MB); writes .bench/query.json and .bench/query.md.
//
// The gateway runs as `node --import tsx src/main.ts` with NODE_ENV=test, LOG_LEVEL=warn (nothing is
// logged per request), GATEWAY_RATE_LIMIT_PER_SECOND=0 (the per-principal rate limit is off: one API
// key would otherwise be held to 20 requests/s) and an API key; cache lifetimes are the defaults.
// Works in a throwaway database `bench_query` (BENCH_DATABASE_NAME) on BENCH_DATABASE_URL's server
// (default postgres://postgres@127.0.0.1:5432/postgres), dropped before and after; BENCH_OUT_DIR
// (default .bench) is where the figures go; BENCH_KEEP_DATABASE=1 keeps the database for a look.
// BENCH_PROFILE=nested|uncached|churn|deep, with BENCH_GATEWAY_NODE_OPTIONS="--import tsx --import
// ./test/bench/cpu-profile-window.ts", CPU-profiles the gateway during that scenario only. BENCH_SEED_CONCURRENCY
// (default 8): customers seeded at once. BENCH_COLD (default 5): customers measured cold.
// BENCH_CHURN_INTERVAL_MS (default 500): the pace of (e)'s churn.
// Missed targets are reported, not failed; the exit code is 1 when a request (of a scenario or of
// (f)) or a churn operation fails or answers errors.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createLogger } from '../../src/log.js';
import { findBank } from '../../src/sandbox/banks.js';
import { createSandboxData } from '../../src/sandbox/data.js';
import { projectRoot, spawnGateway, type SpawnedGateway } from '../kit/gateway.js';
import { withoutTokenCalls } from '../kit/lean-version.js';
import { startTestSandbox, TEST_APP_TOKEN, TEST_CLIENT_ID, TEST_CLIENT_SECRET, type TestSandbox } from '../kit/sandbox.js';
import { startChurn, type ChurnCustomer, type ChurnTally } from './churn.js';
import { CLOCK_TICKS, cpuMsOf, freePort, memoryOf, pool, positiveInteger, sleep, sqlOn } from './kit.js';

const BENCH_DB = process.env['BENCH_DATABASE_NAME'] ?? 'bench_query';
const SEED = 'bench-query';
const BANKS = ['LEANMB1', 'LEANMB2'] as const;
const ACCOUNTS_PER_ENTITY = 3;
const HISTORY_DAYS = 365;
const DEEP_PAGE = 50;
const API_KEY = 'bench-query-api-key-0123456789abcdefghij';
const WEBHOOK_SECRET = 'bench-query-webhook-secret-0123456789';
const TARGETS = {
  nestedShareOfCeiling: 0.35,
  nestedP99Ms: 50,
  deepP99Ms: 30,
  rssMb: 300,
  // (d), the response cache off, at 32 connections.
  uncachedShareOfCeiling: 0.1,
  uncachedCpuMsPerRequest: 3,
  uncachedP99Ms: 150,
  // (e) against (a): churn about other customers costs at most a fifth of the throughput.
  churnShareOfNested: 0.8,
  // (f) against one cold query (2.): concurrent cold reads on two instances cost no more than one.
  concurrentColdCallsPerOverview: 1,
} as const;
/** Customers seeded for (e)'s churn only. */
const CHURN_CUSTOMERS = 2;
/** (f): this many cold nested queries at once, half to each of two gateways. */
const CONCURRENT_COLD = 20;

const CUSTOMERS = positiveInteger('BENCH_CUSTOMERS', 200);
const CONNECTIONS = positiveInteger('BENCH_CONNECTIONS', 32);
const DURATION = positiveInteger('BENCH_DURATION', 20);
const SEED_CONCURRENCY = positiveInteger('BENCH_SEED_CONCURRENCY', 8);
const COLD = Math.min(CUSTOMERS, positiveInteger('BENCH_COLD', 5));
/** (e): one churn operation every this many ms (twice a second; the smoke test asks for more in its one second). */
const CHURN_INTERVAL_MS = positiveInteger('BENCH_CHURN_INTERVAL_MS', 500);
/** The generation of Lean's API the gateway speaks: v2 (the default, Lean's current API) or v1. */
const LEAN_VERSION = process.env['BENCH_LEAN_API_VERSION'] === 'v1' ? 'v1' : 'v2';

if (!/^[a-z_][a-z0-9_]*$/.test(BENCH_DB)) throw new Error(`BENCH_DATABASE_NAME: expected a lower-case identifier, got ${JSON.stringify(BENCH_DB)}`);
const OUT_DIR = process.env['BENCH_OUT_DIR'] ?? join(projectRoot, '.bench');

const adminUrl = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchUrl = new URL(adminUrl);
benchUrl.pathname = `/${BENCH_DB}`;

const out = (line = ''): boolean => process.stdout.write(`${line}\n`);
const DAY_MS = 86_400_000;
const day = (offsetDays: number): string => new Date(Date.now() + offsetDays * DAY_MS).toISOString().slice(0, 10);

// --- the queries --------------------------------------------------------------------------------

const NESTED = `query Nested($id: ID!) {
  customer(id: $id) {
    id
    entities {
      id
      accounts {
        __typename
        ... on AccountList {
          accounts {
            id name type currency
            balance { __typename ... on Balance { amount currency fetchedAt } }
            transactions(first: 20) {
              __typename
              ... on TransactionConnection {
                edges { cursor node { id amount currency description timestamp pending direction } }
                pageInfo { hasNextPage endCursor }
              }
            }
          }
        }
      }
    }
  }
}`;

const DEEP = `query Deep($id: ID!, $from: Date!, $to: Date!, $after: String!) {
  node(id: $id) {
    ... on Account {
      id
      transactions(from: $from, to: $to, first: ${DEEP_PAGE}, after: $after) {
        __typename
        ... on TransactionConnection {
          edges { cursor node { id amount currency description timestamp pending direction } }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }
}`;

/** One year per account: the gateway fetches what it lacks from Lean and stores it. */
const SEED_YEAR = `query SeedYear($id: ID!, $from: Date!, $to: Date!) {
  customer(id: $id) {
    entities {
      accounts {
        __typename
        ... on AccountList {
          accounts {
            id
            transactions(from: $from, to: $to, first: 1) { __typename ... on TransactionConnection { edges { cursor } } }
          }
        }
      }
    }
  }
}`;

/** The oldest 51 of the year: the newest of them is the `after` cursor of the deepest page of 50. */
const OLDEST = `query Oldest($id: ID!, $from: Date!, $to: Date!) {
  node(id: $id) { ... on Account { transactions(from: $from, to: $to, last: ${DEEP_PAGE + 1}) { __typename ... on TransactionConnection { edges { cursor } } } } }
}`;

const CEILING = '{ __typename }';

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function graphql(url: string, query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Answer;
  if (response.status !== 200 || body.errors !== undefined) throw new Error(`answered ${response.status}: ${JSON.stringify(body).slice(0, 500)}`);
  return body;
}

interface NestedAnswer {
  customer: {
    entities: { accounts: { __typename: string; accounts?: { id: string; type: string; balance: { __typename: string }; transactions: { __typename: string; edges?: unknown[] } }[] } }[];
  } | null;
}

/** The accounts of a nested answer, checked: every entity lists 3 accounts, each with a balance and a page. */
function accountsOf(answer: Answer): { id: string; type: string; firstPage: number }[] {
  const customer = (answer.data as unknown as NestedAnswer).customer;
  if (customer === null) throw new Error('customer not found');
  if (customer.entities.length !== BANKS.length) throw new Error(`expected ${BANKS.length} entities, got ${customer.entities.length}`);
  return customer.entities.flatMap((entity) => {
    const accounts = entity.accounts.accounts;
    if (entity.accounts.__typename !== 'AccountList' || accounts?.length !== ACCOUNTS_PER_ENTITY) throw new Error(`unexpected accounts: ${JSON.stringify(entity.accounts)}`);
    return accounts.map((account) => {
      if (account.balance.__typename !== 'Balance' || account.transactions.__typename !== 'TransactionConnection') {
        throw new Error(`account ${account.id}: balance ${account.balance.__typename}, transactions ${account.transactions.__typename}`);
      }
      return { id: account.id, type: account.type, firstPage: account.transactions.edges?.length ?? 0 };
    });
  });
}

// --- processes ----------------------------------------------------------------------------------

/** The gateway in its own process on a known port, ready when /readyz answers 200 (LOG_LEVEL=warn hides the ready line). */
async function startGateway(env: Record<string, string>): Promise<{ gateway: SpawnedGateway; url: string }> {
  const port = await freePort();
  const gateway = spawnGateway({ ...env, PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  for (;;) {
    if (gateway.child.exitCode !== null || gateway.child.signalCode !== null) throw new Error(`gateway exited before it was ready:\n${gateway.stderr.join('')}`);
    if (await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false)) return { gateway, url };
    if (performance.now() - started > 60_000) throw new Error('gateway not ready within 60 s');
    await sleep(50);
  }
}

async function stopGateway(gateway: SpawnedGateway): Promise<void> {
  if (gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGTERM');
  await gateway.exited;
}

async function startBareYoga(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/bare-yoga.ts'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const match = /\{"port":(\d+)\}/.exec(buffered);
      if (match?.[1] !== undefined) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`bare yoga server exited (${code}) before it listened`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

// --- a scenario ---------------------------------------------------------------------------------

type ScenarioKey = 'nested' | 'uncached' | 'churn' | 'deep' | 'ceiling';

interface Scenario {
  readonly key: ScenarioKey;
  readonly label: string;
  readonly url: string;
  readonly pid: number;
  /** The body of the next request. */
  readonly body: () => string;
  /** Work that runs beside the requests, from right before autocannon starts to right after it ends. */
  readonly alongside?: () => { stop(): Promise<void> };
}

interface Figures {
  readonly scenario: string;
  readonly label: string;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p97_5: number; readonly p99: number; readonly max: number; readonly mean: number };
  readonly non2xx: number;
  readonly errorAnswers: number;
  readonly socketErrors: number;
  readonly timeouts: number;
  /** Highest VmRSS sampled every 100 ms during the run, of the process that answered. */
  readonly peakRssMb: number;
  /** CPU the answering process used during the run: share of one core, and per request. */
  readonly cpuPercent: number;
  readonly cpuMsPerRequest: number;
  /** Lean calls the emulator answered during the run, token calls apart (null for the bare server). */
  readonly leanCalls: number | null;
  readonly leanCallsByEndpoint: Record<string, number> | null;
}

async function drive(scenario: Scenario, sandbox: TestSandbox): Promise<Figures> {
  await sandbox.control('DELETE', '/sandbox/stats');
  // With test/bench/cpu-profile-window.ts preloaded, SIGUSR2 starts and stops the gateway's profiler.
  const profiled = process.env['BENCH_PROFILE'] === scenario.key;
  if (profiled) process.kill(scenario.pid, 'SIGUSR2');
  let peakRssMb = memoryOf(scenario.pid).rssMb;
  const sampler = setInterval(() => {
    peakRssMb = Math.max(peakRssMb, memoryOf(scenario.pid).rssMb);
  }, 100);
  let errorAnswers = 0;
  const cpuBefore = cpuMsOf(scenario.pid);
  const beside = scenario.alongside?.();
  let stopping: Promise<void> | undefined;
  const stopBeside = () => (stopping ??= beside?.stop() ?? Promise.resolve());
  try {
    const result = await autocannon({
      url: scenario.url,
      connections: CONNECTIONS,
      duration: DURATION,
      requests: [
        {
          method: 'POST',
          path: '/graphql',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${API_KEY}` },
          setupRequest: (request) => ({ ...request, body: scenario.body() }),
          onResponse: (status, body) => {
            if (status !== 200 || body.includes('"errors"')) errorAnswers++;
          },
        },
      ],
    });
    const cpuMs = cpuMsOf(scenario.pid) - cpuBefore;
    peakRssMb = Math.max(peakRssMb, memoryOf(scenario.pid).rssMb);
    await stopBeside();
    const stats = scenario.key === 'ceiling' ? undefined : (await sandbox.control<{ calls: Record<string, number>; total: number }>('GET', '/sandbox/stats')).body;
    const byEndpoint = stats === undefined ? null : withoutTokenCalls(stats.calls);
    return {
      scenario: scenario.key,
      label: scenario.label,
      requests: result.requests.total,
      requestsPerSecond: result.requests.total / result.duration,
      latencyMs: { p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99, max: result.latency.max, mean: result.latency.mean },
      non2xx: result.non2xx,
      errorAnswers,
      socketErrors: result.errors,
      timeouts: result.timeouts,
      peakRssMb,
      cpuPercent: (cpuMs / (result.duration * 1000)) * 100,
      cpuMsPerRequest: cpuMs / Math.max(1, result.requests.total),
      leanCalls: byEndpoint === null ? null : Object.values(byEndpoint).reduce((a, b) => a + b, 0),
      leanCallsByEndpoint: byEndpoint,
    };
  } finally {
    await stopBeside();
    clearInterval(sampler);
    if (profiled) process.kill(scenario.pid, 'SIGUSR2');
  }
}

// --- the run ------------------------------------------------------------------------------------

interface BenchCustomer {
  readonly appUserId: string;
  readonly leanCustomerId: string;
  globalId: string;
  /** Lean's ids of its entities, as /sandbox/connect answered them. */
  readonly leanEntityIds: string[];
}

/** App user ids whose two banks each hold 3 accounts in the emulator's seeded data. */
function chooseCustomers(count: number): BenchCustomer[] {
  const data = createSandboxData(SEED);
  const chosen: BenchCustomer[] = [];
  for (let n = 0; chosen.length < count; n++) {
    const appUserId = `bench-query-${n}`;
    const leanCustomerId = data.uuid('customer', appUserId);
    const full = BANKS.every((identifier) => {
      const bank = findBank(identifier);
      if (bank === undefined) throw new Error(`no sandbox bank ${identifier}`);
      return data.accounts(data.uuid('entity', leanCustomerId, identifier, '0'), bank).length === ACCOUNTS_PER_ENTITY;
    });
    if (full) chosen.push({ appUserId, leanCustomerId, globalId: '', leanEntityIds: [] });
  }
  return chosen;
}

let sandbox: TestSandbox | undefined;
let gatewayUrl: string | undefined;
const running: SpawnedGateway[] = [];
let bare: ChildProcess | undefined;

await sqlOn(adminUrl, `drop database if exists ${BENCH_DB} with (force)`);
await sqlOn(adminUrl, `create database ${BENCH_DB}`);
try {
  const lean = await startTestSandbox({
    seed: SEED,
    webhookSecret: WEBHOOK_SECRET,
    webhookUrl: () => (gatewayUrl === undefined ? undefined : `${gatewayUrl}/webhooks/lean`),
    // Cold means nothing read yet: the emulator's data-store workflow (a refresh webhook after each
    // link, which the gateway answers by reading everything) would warm the cache before the query.
    refreshWebhooks: false,
    log: createLogger('silent'),
  });
  sandbox = lean;
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: benchUrl.toString(),
    LEAN_API_URL: lean.url,
    ...(LEAN_VERSION === 'v1'
      ? { LEAN_API_VERSION: 'v1', LEAN_APP_TOKEN: TEST_APP_TOKEN }
      : { LEAN_API_VERSION: 'v2', LEAN_AUTH_URL: lean.url, LEAN_CLIENT_ID: TEST_CLIENT_ID, LEAN_CLIENT_SECRET: TEST_CLIENT_SECRET }),
    LEAN_WEBHOOK_SECRET: WEBHOOK_SECRET,
    GATEWAY_API_KEYS: API_KEY,
    GATEWAY_RATE_LIMIT_PER_SECOND: '0',
    // The response cache keeps its default (30 s) unless the bench is told otherwise; (d) turns it off.
    ...(process.env['GATEWAY_RESPONSE_CACHE_SECONDS'] !== undefined && { GATEWAY_RESPONSE_CACHE_SECONDS: process.env['GATEWAY_RESPONSE_CACHE_SECONDS'] }),
  };

  // --- seeding, on a first gateway --------------------------------------------------------------
  const seeder = await startGateway(env);
  running.push(seeder.gateway);
  gatewayUrl = seeder.url;
  // The measured customers, then the churn customers of (e), then the customer of (f), chosen alike.
  const everyone = chooseCustomers(CUSTOMERS + CHURN_CUSTOMERS + 1);
  const customers = everyone.slice(0, CUSTOMERS);
  const churnSeeded = everyone.slice(CUSTOMERS, CUSTOMERS + CHURN_CUSTOMERS);
  const concurrentColdCustomer = everyone[CUSTOMERS + CHURN_CUSTOMERS] as BenchCustomer;
  const today = day(0);
  const yearAgo = day(-(HISTORY_DAYS - 1));
  const seedStarted = performance.now();

  // Customers at Lean (through the gateway), then two banks each (the Link SDK's part, emulated).
  await pool(everyone.length, SEED_CONCURRENCY, async (i) => {
    const customer = everyone[i] as BenchCustomer;
    const created = await graphql(seeder.url, 'mutation ($u: String!) { createCustomer(appUserId: $u) { id leanCustomerId } }', { u: customer.appUserId });
    const row = created.data?.['createCustomer'] as { id: string; leanCustomerId: string };
    if (row.leanCustomerId !== customer.leanCustomerId) throw new Error(`${customer.appUserId}: Lean customer id ${row.leanCustomerId}, expected ${customer.leanCustomerId}`);
    customer.globalId = row.id;
    for (const bank of BANKS) {
      const connected = await lean.control<{ id: string }>('POST', '/sandbox/connect', { customer_id: customer.leanCustomerId, bank_identifier: bank, permissions: ['identity', 'accounts', 'balance', 'transactions'] });
      if (connected.status !== 201) throw new Error(`connect ${bank}: ${connected.status} ${JSON.stringify(connected.body)}`);
      customer.leanEntityIds.push(connected.body.id);
    }
  });
  // Every entity.created applied, so the cold count below starts from what a linked customer has.
  for (const started = performance.now(); ; ) {
    const [row] = await sqlOn<{ applied: string; waiting: string }>(
      benchUrl.toString(),
      "select count(*) filter (where status = 'APPLIED') as applied, count(*) filter (where status = 'RECEIVED') as waiting from webhook_inbox",
    );
    if (Number(row?.applied) >= everyone.length * BANKS.length && Number(row?.waiting) === 0) break;
    if (performance.now() - started > 120_000) throw new Error(`entity.created not applied in time: ${JSON.stringify(row)}`);
    await sleep(100);
  }
  const linkedMs = performance.now() - seedStarted;

  // Cold cache: the nested query for customers whose data the gateway has not read yet, one at a time.
  const cold: { calls: number; byEndpoint: Record<string, number>; ms: number }[] = [];
  for (const customer of customers.slice(0, COLD)) {
    await lean.control('DELETE', '/sandbox/stats');
    const started = performance.now();
    accountsOf(await graphql(seeder.url, NESTED, { id: customer.globalId }));
    const ms = performance.now() - started;
    const stats = (await lean.control<{ calls: Record<string, number>; total: number }>('GET', '/sandbox/stats')).body;
    // The token call (v2, once per process) is not a cost of the query.
    const byEndpoint = withoutTokenCalls(stats.calls);
    cold.push({ calls: Object.values(byEndpoint).reduce((a, b) => a + b, 0), byEndpoint, ms });
  }
  const coldCallsPerQuery = cold.reduce((a, c) => a + c.calls, 0) / cold.length;

  // The churn customers' entities, by global id (the mutations) and Lean id (the webhooks); nothing else of theirs is read.
  const churnCustomers: ChurnCustomer[] = [];
  for (const customer of churnSeeded) {
    const answer = await graphql(seeder.url, 'query ($id: ID!) { customer(id: $id) { entities { id } } }', { id: customer.globalId });
    const entityIds = ((answer.data?.['customer'] as { entities: { id: string }[] } | null)?.entities ?? []).map((entity) => entity.id);
    if (entityIds.length !== BANKS.length) throw new Error(`churn customer ${customer.appUserId}: ${entityIds.length} entities`);
    churnCustomers.push({ customerId: customer.globalId, entityIds, leanCustomerId: customer.leanCustomerId, leanEntityIds: customer.leanEntityIds });
  }

  // A year of history for every account (the gateway asks Lean only for the days it lacks).
  await pool(customers.length, SEED_CONCURRENCY, async (i) => {
    const customer = customers[i] as BenchCustomer;
    await graphql(seeder.url, SEED_YEAR, { id: customer.globalId, from: yearAgo, to: today });
  });
  const seedMs = performance.now() - seedStarted;
  const [counts] = await sqlOn<{ accounts: string; transactions: string; entities: string }>(
    benchUrl.toString(),
    'select (select count(*) from entities) as entities, (select count(*) from accounts) as accounts, (select count(*) from transactions) as transactions',
  );
  const seeded = {
    customers: customers.length,
    churnCustomers: churnSeeded.length,
    concurrentColdCustomers: 1,
    entities: Number(counts?.entities),
    accounts: Number(counts?.accounts),
    transactions: Number(counts?.transactions),
  };
  out(
    `Seeded ${seeded.customers} customers (and ${seeded.churnCustomers + seeded.concurrentColdCustomers} more whose data the measured requests never read: ` +
      `${seeded.churnCustomers} for the churn of (e), 1 for (f)), ${seeded.entities} entities, ${seeded.accounts} accounts, ` +
      `${seeded.transactions.toLocaleString('en')} transactions (${yearAgo}..${today}) in ${(seedMs / 1000).toFixed(1)} s ` +
      `(customers and links ${(linkedMs / 1000).toFixed(1)} s), ${SEED_CONCURRENCY} customers at a time.`,
  );
  // Only the measured customers' accounts have been read.
  if (seeded.accounts !== customers.length * BANKS.length * ACCOUNTS_PER_ENTITY) throw new Error(`expected ${customers.length * BANKS.length * ACCOUNTS_PER_ENTITY} accounts`);

  // --- the measured gateway: a fresh process on the seeded database ----------------------------
  await stopGateway(seeder.gateway);
  // The measured gateway runs with the V8 flags `npm start` gives it (the heap cap), plus any asked for.
  const measuredEnv = { ...env, NODE_OPTIONS: [...startFlags(), process.env['BENCH_GATEWAY_NODE_OPTIONS'] ?? ''].join(' ').trim() };
  // (d)'s gateway, the response cache off, starts beside it (it idles until (d)) and stops after (f).
  const [measured, uncachedGateway] = await Promise.all([startGateway(measuredEnv), startGateway({ ...measuredEnv, GATEWAY_RESPONSE_CACHE_SECONDS: '0' })]);
  running.push(measured.gateway, uncachedGateway.gateway);
  gatewayUrl = measured.url;
  const gatewayPid = pidOf(measured.gateway);

  /** Every customer's nested query, once, checked: the answers kept (cache on), the code warm. */
  const warmNested = (url: string) =>
    pool(customers.length, SEED_CONCURRENCY, async (i) => {
      accountsOf(await graphql(url, NESTED, { id: (customers[i] as BenchCustomer).globalId }));
    });

  // Warm-up: every customer's nested query and every account's deep page, once, checked.
  const deepTargets: { id: string; after: string }[] = [];
  await pool(customers.length, SEED_CONCURRENCY, async (i) => {
    const customer = customers[i] as BenchCustomer;
    const accounts = accountsOf(await graphql(measured.url, NESTED, { id: customer.globalId }));
    for (const account of accounts) {
      const oldest = await graphql(measured.url, OLDEST, { id: account.id, from: yearAgo, to: today });
      const edges = (oldest.data?.['node'] as { transactions: { edges: { cursor: string }[] } }).transactions.edges;
      const after = edges[0]?.cursor;
      if (after === undefined || edges.length < DEEP_PAGE + 1) continue; // fewer than 51 in the year (savings)
      const page = await graphql(measured.url, DEEP, { id: account.id, from: yearAgo, to: today, after });
      const got = (page.data?.['node'] as { transactions: { edges: unknown[] } }).transactions.edges.length;
      if (got !== DEEP_PAGE) throw new Error(`deep page of ${account.id}: ${got} transactions`);
      deepTargets.push({ id: account.id, after });
    }
  });
  if (deepTargets.length === 0) throw new Error('no account holds 51 transactions in the year');
  // Then (d)'s gateway answers every customer's nested query once, from the store the warm-up completed.
  await warmNested(uncachedGateway.url);

  const bareYoga = await startBareYoga();
  bare = bareYoga.child;
  const barePid = bareYoga.child.pid;
  if (barePid === undefined) throw new Error('the bare server has no pid');
  await graphql(bareYoga.url, CEILING);

  const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;
  const nestedBody = () => JSON.stringify({ query: NESTED, variables: { id: pick(customers).globalId } });
  const figures: Figures[] = [];
  const measure = async (scenario: Scenario): Promise<Figures> => {
    const result = await drive(scenario, lean);
    figures.push(result);
    await sleep(500);
    return result;
  };

  // (a) the nested query, the response cache on.
  const nested = await measure({
    key: 'nested',
    label: '(a) nested: customer → 2 entities → 3 accounts each → balance + first 20 transactions',
    url: measured.url,
    pid: gatewayPid,
    body: nestedBody,
  });

  // (d) the same on the second gateway, the response cache off (the store is warm).
  const uncached = await measure({
    key: 'uncached',
    label: '(d) nested as (a), response cache off (a second gateway): every answer read from the store',
    url: uncachedGateway.url,
    pid: pidOf(uncachedGateway.gateway),
    body: nestedBody,
  });

  // (f) cold overviews of one customer at once on two instances: what do they cost at Lean together?
  await lean.control('DELETE', '/sandbox/stats');
  const concurrentStarted = performance.now();
  const concurrentAnswers = await Promise.allSettled(
    Array.from({ length: CONCURRENT_COLD }, (_, i) => graphql(i % 2 === 0 ? measured.url : uncachedGateway.url, NESTED, { id: concurrentColdCustomer.globalId }).then(accountsOf)),
  );
  const concurrentMs = performance.now() - concurrentStarted;
  const concurrentStats = (await lean.control<{ calls: Record<string, number>; total: number }>('GET', '/sandbox/stats')).body;
  const concurrentByEndpoint = withoutTokenCalls(concurrentStats.calls);
  const concurrentFailures = concurrentAnswers.flatMap((answer) => (answer.status === 'rejected' ? [answer.reason instanceof Error ? answer.reason.message : String(answer.reason)] : []));
  const concurrentCold = {
    queries: CONCURRENT_COLD,
    instances: 2,
    leanCalls: Object.values(concurrentByEndpoint).reduce((a, b) => a + b, 0),
    byEndpoint: concurrentByEndpoint,
    oneColdQueryLeanCalls: coldCallsPerQuery,
    ms: concurrentMs,
    failed: concurrentFailures.length,
    failures: concurrentFailures.slice(0, 3).map((message) => message.slice(0, 300)),
  };
  await stopGateway(uncachedGateway.gateway);

  // (e) the nested query as in (a), the cache warmed again, while churn about other customers arrives.
  await warmNested(measured.url);
  let churnTally: ChurnTally | undefined;
  const churn = await measure({
    key: 'churn',
    label: `(e) nested as (a), while a mutation or webhook about another customer arrives every ${CHURN_INTERVAL_MS} ms`,
    url: measured.url,
    pid: gatewayPid,
    body: nestedBody,
    alongside: () => {
      const churning = startChurn({ gatewayUrl: measured.url, apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET, customers: churnCustomers, intervalMs: CHURN_INTERVAL_MS });
      return {
        stop: async () => {
          churnTally = await churning.stop();
        },
      };
    },
  });
  // The churn's webhooks applied (or not) before anything else is measured.
  const inbox = await settledChurnWebhooks();

  // (b) the deep page, (c) the ceiling.
  const deep = await measure({
    key: 'deep',
    label: `(b) deep page: ${DEEP_PAGE} transactions after a cursor ~1 year back`,
    url: measured.url,
    pid: gatewayPid,
    body: () => {
      const target = pick(deepTargets);
      return JSON.stringify({ query: DEEP, variables: { id: target.id, from: yearAgo, to: today, after: target.after } });
    },
  });
  const ceiling = await measure({ key: 'ceiling', label: '(c) ceiling: bare graphql-yoga, `{ __typename }`', url: bareYoga.url, pid: barePid, body: () => JSON.stringify({ query: CEILING }) });
  const gatewayHwmMb = memoryOf(gatewayPid).hwmMb;
  if (churnTally === undefined) throw new Error('the churn of (e) did not report');
  const tally: ChurnTally = churnTally;
  const churnOperations = Object.values(tally.done).reduce((a, b) => a + b, 0) + tally.failed;

  const coldCalls = cold.map((c) => c.calls);
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const share = (f: Figures) => f.requestsPerSecond / ceiling.requestsPerSecond;
  const report = {
    at: new Date().toISOString(),
    settings: {
      leanApiVersion: LEAN_VERSION,
      customers: CUSTOMERS,
      connections: CONNECTIONS,
      durationSeconds: DURATION,
      seedConcurrency: SEED_CONCURRENCY,
      coldSamples: COLD,
      churnIntervalMs: CHURN_INTERVAL_MS,
      clockTicksPerSecond: CLOCK_TICKS,
    },
    machine: { cpus: (await import('node:os')).cpus().length, loadAverageAfter: load, node: process.version },
    seeding: { ...seeded, historyDays: HISTORY_DAYS, seconds: seedMs / 1000, linkSeconds: linkedMs / 1000 },
    cold: { leanCallsPerNestedQuery: coldCallsPerQuery, samples: cold },
    deepAccounts: deepTargets.length,
    scenarios: figures,
    churn: { intervalMs: CHURN_INTERVAL_MS, customers: churnCustomers.length, operations: churnOperations, ...tally, webhooks: inbox },
    concurrentCold,
    gatewayPeakRssMb: Math.max(nested.peakRssMb, churn.peakRssMb, deep.peakRssMb),
    gatewayVmHwmMb: gatewayHwmMb,
    ratios: {
      nestedToCeiling: share(nested),
      uncachedToCeiling: share(uncached),
      churnToCeiling: share(churn),
      deepToCeiling: share(deep),
      churnToNested: churn.requestsPerSecond / nested.requestsPerSecond,
    },
    targets: {
      nestedShareOfCeiling: { target: TARGETS.nestedShareOfCeiling, met: share(nested) >= TARGETS.nestedShareOfCeiling },
      nestedP99Ms: { target: TARGETS.nestedP99Ms, met: nested.latencyMs.p99 <= TARGETS.nestedP99Ms },
      deepP99Ms: { target: TARGETS.deepP99Ms, met: deep.latencyMs.p99 <= TARGETS.deepP99Ms },
      rssMb: { target: TARGETS.rssMb, met: gatewayHwmMb <= TARGETS.rssMb },
      uncachedShareOfCeiling: { target: TARGETS.uncachedShareOfCeiling, met: share(uncached) >= TARGETS.uncachedShareOfCeiling },
      uncachedCpuMsPerRequest: { target: TARGETS.uncachedCpuMsPerRequest, met: uncached.cpuMsPerRequest <= TARGETS.uncachedCpuMsPerRequest },
      uncachedP99Ms: { target: TARGETS.uncachedP99Ms, met: uncached.latencyMs.p99 <= TARGETS.uncachedP99Ms },
      churnShareOfNested: { target: TARGETS.churnShareOfNested, met: churn.requestsPerSecond >= TARGETS.churnShareOfNested * nested.requestsPerSecond },
      concurrentColdLeanCalls: {
        target: TARGETS.concurrentColdCallsPerOverview * coldCallsPerQuery,
        met: concurrentCold.leanCalls <= TARGETS.concurrentColdCallsPerOverview * coldCallsPerQuery,
      },
    },
  };

  const n = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
  const verdict = (met: boolean) => (met ? 'met' : '**missed**');
  const endpoints = (calls: Record<string, number>) =>
    Object.entries(calls)
      .map(([endpoint, count]) => `${endpoint} ${count}`)
      .join(', ');
  const lines: string[] = [];
  lines.push(
    `Gateway (one process, Postgres \`${BENCH_DB}\`, LOG_LEVEL=warn, rate limit off; (d) on a second process with the response cache off) vs a bare graphql-yoga server; ` +
      `autocannon in the bench process, ${CONNECTIONS} connections × ${DURATION} s per scenario; ${CUSTOMERS} customers, ${deepTargets.length} accounts for (b); ` +
      `${report.machine.cpus} CPUs, load average after the run ${load}.`,
  );
  lines.push('');
  lines.push('| scenario | req/s | p50 ms | p97.5 ms | p99 ms | max ms | peak RSS MB | CPU % | CPU ms/req | Lean calls | errors | vs (c) |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const f of figures) {
    const errors = f.non2xx + f.errorAnswers + f.socketErrors + (f.scenario === 'churn' ? tally.failed : 0);
    lines.push(
      `| ${f.label} | ${Math.round(f.requestsPerSecond)} | ${f.latencyMs.p50} | ${f.latencyMs.p97_5} | ${f.latencyMs.p99} | ${f.latencyMs.max} | ${n(f.peakRssMb)} | ` +
        `${n(f.cpuPercent, 0)} | ${n(f.cpuMsPerRequest, 2)} | ${f.leanCalls ?? '–'} | ${errors} | ${f.scenario === 'ceiling' ? '1' : `${n(share(f) * 100)}%`} |`,
    );
  }
  lines.push('');
  lines.push(
    `Seeding: ${seeded.transactions.toLocaleString('en')} transactions of ${seeded.accounts} accounts in ${n(seedMs / 1000)} s. ` +
      `Cold cache: ${n(coldCallsPerQuery)} Lean calls per nested query (${cold.length} customers: ${coldCalls.join(', ')}; ` +
      `${endpoints(cold[0]?.byEndpoint ?? {})}), ${n(cold.reduce((a, c) => a + c.ms, 0) / cold.length, 0)} ms each. ` +
      `Gateway VmHWM after the runs: ${n(gatewayHwmMb)} MB.`,
  );
  lines.push('');
  const refreshes = Object.entries(tally.refreshAnswers)
    .map(([typename, count]) => `${typename} ${count}`)
    .join(', ');
  lines.push(
    `Churn during (e): ${churnOperations} operations about ${churnCustomers.length} other customers in ${DURATION} s — prepareLink ${tally.done.prepareLink}, ` +
      `requestDataRefresh ${tally.done.requestDataRefresh}${refreshes === '' ? '' : ` (${refreshes})`}, signed entity.updated webhooks ${tally.done.entityUpdatedWebhook} ` +
      `(${inbox.applied} applied, ${inbox.other} not yet or not applied), failed ${tally.failed}${tally.failures.length > 0 ? ` (${tally.failures.join('; ')})` : ''}; ` +
      `Lean calls meanwhile ${endpoints(churn.leanCallsByEndpoint ?? {}) || 'none'}. (e)/(a) req/s: ${n(report.ratios.churnToNested * 100)}%.`,
  );
  lines.push('');
  lines.push(
    `Concurrent cold (f): ${CONCURRENT_COLD} nested queries at once for one customer never read, ${CONCURRENT_COLD / 2} to each of two gateways on the database: ` +
      `${concurrentCold.leanCalls} Lean calls (${endpoints(concurrentByEndpoint) || 'none'}) against ${n(coldCallsPerQuery)} for one cold query; ` +
      `${n(concurrentMs, 0)} ms for all; failed ${concurrentCold.failed}${concurrentCold.failures.length > 0 ? ` (${concurrentCold.failures.join('; ')})` : ''}.`,
  );
  lines.push('');
  lines.push('| target | value | |');
  lines.push('|---|---:|---|');
  const { targets } = report;
  lines.push(`| (a) ≥ ${TARGETS.nestedShareOfCeiling * 100}% of (c) req/s | ${n(share(nested) * 100)}% | ${verdict(targets.nestedShareOfCeiling.met)} |`);
  lines.push(`| (a) p99 ≤ ${TARGETS.nestedP99Ms} ms | ${nested.latencyMs.p99} ms | ${verdict(targets.nestedP99Ms.met)} |`);
  lines.push(`| (b) p99 ≤ ${TARGETS.deepP99Ms} ms | ${deep.latencyMs.p99} ms | ${verdict(targets.deepP99Ms.met)} |`);
  lines.push(`| (d) ≥ ${TARGETS.uncachedShareOfCeiling * 100}% of (c) req/s | ${n(share(uncached) * 100)}% | ${verdict(targets.uncachedShareOfCeiling.met)} |`);
  lines.push(`| (d) gateway CPU ≤ ${TARGETS.uncachedCpuMsPerRequest} ms per request | ${n(uncached.cpuMsPerRequest, 2)} ms | ${verdict(targets.uncachedCpuMsPerRequest.met)} |`);
  lines.push(`| (d) p99 ≤ ${TARGETS.uncachedP99Ms} ms at 32 connections | ${uncached.latencyMs.p99} ms at ${CONNECTIONS} | ${verdict(targets.uncachedP99Ms.met)} |`);
  lines.push(`| (e) ≥ ${TARGETS.churnShareOfNested * 100}% of (a) req/s | ${n(report.ratios.churnToNested * 100)}% | ${verdict(targets.churnShareOfNested.met)} |`);
  lines.push(`| (f) Lean calls ≤ one cold query's (${n(targets.concurrentColdLeanCalls.target)}) | ${concurrentCold.leanCalls} | ${verdict(targets.concurrentColdLeanCalls.met)} |`);
  lines.push(`| gateway RSS ≤ ${TARGETS.rssMb} MB (VmHWM) | ${n(gatewayHwmMb)} MB | ${verdict(targets.rssMb.met)} |`);
  out();
  for (const line of lines) out(line);

  await mkdir(OUT_DIR, { recursive: true });
  await writeFile(join(OUT_DIR, 'query.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(OUT_DIR, 'query.md'), `# npm run bench:query — ${report.at}\n\n${lines.join('\n')}\n`);
  out();
  out(`Figures written to ${join(OUT_DIR, 'query.json')} and query.md beside it.`);
  if (figures.some((f) => f.non2xx + f.errorAnswers + f.socketErrors + f.timeouts > 0 || f.requests === 0) || tally.failed > 0 || concurrentCold.failed > 0) {
    out('Some requests failed or answered errors: see the errors column, the churn and (f).');
    process.exitCode = 1;
  }
} finally {
  if (bare !== undefined && bare.exitCode === null && bare.signalCode === null) {
    const exited = new Promise((resolve) => bare?.once('exit', resolve));
    bare.kill('SIGTERM');
    await exited;
  }
  for (const gateway of running) await stopGateway(gateway);
  await sandbox?.close();
  if (process.env['BENCH_KEEP_DATABASE'] !== '1') await sqlOn(adminUrl, `drop database if exists ${BENCH_DB} with (force)`);
}

function pidOf(gateway: SpawnedGateway): number {
  // spawnGateway spawns node itself (not npm), so this pid is the process that answers.
  const pid = gateway.child.pid;
  if (pid === undefined) throw new Error('the gateway has no pid');
  return pid;
}

/** Waits (at most 30 s) until no churn webhook waits in the inbox; answers how many were applied. */
async function settledChurnWebhooks(): Promise<{ applied: number; other: number }> {
  for (const started = performance.now(); ; ) {
    const [row] = await sqlOn<{ applied: string; other: string; waiting: string }>(
      benchUrl.toString(),
      "select count(*) filter (where status = 'APPLIED') as applied, count(*) filter (where status <> 'APPLIED') as other, count(*) filter (where status = 'RECEIVED') as waiting from webhook_inbox where type = 'entity.updated'",
    );
    if (Number(row?.waiting) === 0 || performance.now() - started > 30_000) return { applied: Number(row?.applied), other: Number(row?.other) };
    await sleep(100);
  }
}

/** The V8 flags of package.json's `start` script (e.g. `--max-old-space-size=256`). */
function startFlags(): string[] {
  const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  return manifest.scripts?.['start']?.match(/--max-[a-z-]+=\d+/g) ?? [];
}
