// `npm run bench:query` (or `node --import tsx test/bench/query.ts`): the read path under load.
//
// 1. Seeds, through the gateway's public surface and the Lean emulator (in this process, seed
//    `bench-query`), BENCH_CUSTOMERS customers (default 200), each with 2 linked banks (LEANMB1 and
//    LEANMB2) of 3 accounts each, and 1 year of transactions per account: `createCustomer`, then
//    `POST /sandbox/connect` twice (the emulator sends `entity.created` to the gateway), then one
//    query per customer asking each account for the last 365 days, which the gateway fetches from
//    Lean and stores. The emulator's data is derived from the seed, so the app user ids are chosen
//    (`bench-query-<n>`, skipping those whose banks hold fewer than 3 accounts) before anything starts.
// 2. Cold cache: before their data is read, the nested query (a) runs for a few customers one at a
//    time, and the emulator's /sandbox/stats says how many Lean calls each cost (the v2 token call
//    apart). The emulator sends no refresh webhooks here: they would have the gateway read
//    everything right after the link, and the cold path would never be met.
// The gateway speaks Lean v2 (OAuth2 client credentials); BENCH_LEAN_API_VERSION=v1 for the app token.
// 3. Warm cache: the seeding gateway stops and a fresh one starts on the same database (so its peak
//    RSS is that of the measured runs; BENCH_GATEWAY_NODE_OPTIONS applies to it only); each query
//    runs once per customer/account to warm it; then autocannon (BENCH_CONNECTIONS, default 50;
//    BENCH_DURATION seconds, default 20) drives, one after the other:
//    (a) the nested query: customer → entities → accounts → balance and the first 20 transactions,
//        a random customer per request;
//    (b) a page of 50 transactions deep in the history: the oldest 50 of the account's year (an
//        `after` cursor ~a year back), a random account per request (accounts with ≥ 51 transactions);
//    (c) `{ __typename }` on a bare graphql-yoga server (test/bench/bare-yoga.ts) in its own process:
//        the ceiling of the stack on this machine.
// Prints requests/s, latency p50/p97.5/p99, the gateway's peak RSS and the ratios of (a) and (b) to
// (c), with the targets; writes .bench/query.json and .bench/query.md.
//
// The gateway runs as `node --import tsx src/main.ts` with NODE_ENV=test, LOG_LEVEL=warn (nothing is
// logged per request), GATEWAY_RATE_LIMIT_PER_SECOND=0 (the per-principal rate limit is off: one API
// key would otherwise be held to 20 requests/s) and an API key; cache lifetimes are the defaults.
// Works in a throwaway database `bench_query` (BENCH_DATABASE_NAME) on BENCH_DATABASE_URL's server
// (default postgres://postgres@127.0.0.1:5432/postgres), dropped before and after; BENCH_OUT_DIR
// (default .bench) is where the figures go; BENCH_KEEP_DATABASE=1 keeps the database for a look.
// BENCH_PROFILE=nested|deep, with BENCH_GATEWAY_NODE_OPTIONS="--import tsx --import
// ./test/bench/cpu-profile-window.ts", CPU-profiles the gateway during that scenario only. BENCH_SEED_CONCURRENCY
// (default 8): customers seeded at once. BENCH_COLD (default 5): customers measured cold.
// Missed targets are reported, not failed; the exit code is 1 when a request fails or answers errors.
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
import { cpuMsOf, freePort, memoryOf, pool, positiveInteger, sleep, sqlOn } from './kit.js';

const BENCH_DB = process.env['BENCH_DATABASE_NAME'] ?? 'bench_query';
const SEED = 'bench-query';
const BANKS = ['LEANMB1', 'LEANMB2'] as const;
const ACCOUNTS_PER_ENTITY = 3;
const HISTORY_DAYS = 365;
const DEEP_PAGE = 50;
const API_KEY = 'bench-query-api-key-0123456789abcdefghij';
const WEBHOOK_SECRET = 'bench-query-webhook-secret-0123456789';
const TARGETS = { nestedShareOfCeiling: 0.35, nestedP99Ms: 50, deepP99Ms: 30, rssMb: 300 } as const;

const CUSTOMERS = positiveInteger('BENCH_CUSTOMERS', 200);
const CONNECTIONS = positiveInteger('BENCH_CONNECTIONS', 50);
const DURATION = positiveInteger('BENCH_DURATION', 20);
const SEED_CONCURRENCY = positiveInteger('BENCH_SEED_CONCURRENCY', 8);
const COLD = Math.min(CUSTOMERS, positiveInteger('BENCH_COLD', 5));
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

interface Scenario {
  readonly key: 'nested' | 'deep' | 'ceiling';
  readonly label: string;
  readonly url: string;
  readonly pid: number;
  /** The body of the next request. */
  readonly body: () => string;
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
  /** Lean calls the emulator answered during the run (null for the bare server). */
  readonly leanCalls: number | null;
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
    peakRssMb = Math.max(peakRssMb, memoryOf(scenario.pid).rssMb);
    const cpuMs = cpuMsOf(scenario.pid) - cpuBefore;
    const stats = scenario.key === 'ceiling' ? undefined : (await sandbox.control<{ calls: Record<string, number>; total: number }>('GET', '/sandbox/stats')).body;
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
      leanCalls: stats === undefined ? null : Object.values(withoutTokenCalls(stats.calls)).reduce((a, b) => a + b, 0),
    };
  } finally {
    clearInterval(sampler);
    if (profiled) process.kill(scenario.pid, 'SIGUSR2');
  }
}

// --- the run ------------------------------------------------------------------------------------

interface BenchCustomer {
  readonly appUserId: string;
  readonly leanCustomerId: string;
  globalId: string;
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
    if (full) chosen.push({ appUserId, leanCustomerId, globalId: '' });
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
    // The response cache keeps its default (30 s) unless the bench is told otherwise.
    ...(process.env['GATEWAY_RESPONSE_CACHE_SECONDS'] !== undefined && { GATEWAY_RESPONSE_CACHE_SECONDS: process.env['GATEWAY_RESPONSE_CACHE_SECONDS'] }),
  };

  // --- seeding, on a first gateway --------------------------------------------------------------
  const seeder = await startGateway(env);
  running.push(seeder.gateway);
  gatewayUrl = seeder.url;
  const customers = chooseCustomers(CUSTOMERS);
  const today = day(0);
  const yearAgo = day(-(HISTORY_DAYS - 1));
  const seedStarted = performance.now();

  // Customers at Lean (through the gateway), then two banks each (the Link SDK's part, emulated).
  await pool(customers.length, SEED_CONCURRENCY, async (i) => {
    const customer = customers[i] as BenchCustomer;
    const created = await graphql(seeder.url, 'mutation ($u: String!) { createCustomer(appUserId: $u) { id leanCustomerId } }', { u: customer.appUserId });
    const row = created.data?.['createCustomer'] as { id: string; leanCustomerId: string };
    if (row.leanCustomerId !== customer.leanCustomerId) throw new Error(`${customer.appUserId}: Lean customer id ${row.leanCustomerId}, expected ${customer.leanCustomerId}`);
    customer.globalId = row.id;
    for (const bank of BANKS) {
      const connected = await lean.control('POST', '/sandbox/connect', { customer_id: customer.leanCustomerId, bank_identifier: bank, permissions: ['identity', 'accounts', 'balance', 'transactions'] });
      if (connected.status !== 201) throw new Error(`connect ${bank}: ${connected.status} ${JSON.stringify(connected.body)}`);
    }
  });
  // Every entity.created applied, so the cold count below starts from what a linked customer has.
  for (const started = performance.now(); ; ) {
    const [row] = await sqlOn<{ applied: string; waiting: string }>(
      benchUrl.toString(),
      "select count(*) filter (where status = 'APPLIED') as applied, count(*) filter (where status = 'RECEIVED') as waiting from webhook_inbox",
    );
    if (Number(row?.applied) >= customers.length * BANKS.length && Number(row?.waiting) === 0) break;
    if (performance.now() - started > 120_000) throw new Error(`entity.created not applied in time: ${JSON.stringify(row)}`);
    await sleep(100);
  }
  const linkedMs = performance.now() - seedStarted;

  // Cold cache: the nested query for customers whose data the gateway has not read yet, one at a time.
  const cold: { calls: number; byEndpoint: Record<string, number>; ms: number }[] = [];
  for (const customer of customers.slice(0, COLD)) {
    await sandbox.control('DELETE', '/sandbox/stats');
    const started = performance.now();
    accountsOf(await graphql(seeder.url, NESTED, { id: customer.globalId }));
    const ms = performance.now() - started;
    const stats = (await sandbox.control<{ calls: Record<string, number>; total: number }>('GET', '/sandbox/stats')).body;
    // The token call (v2, once per process) is not a cost of the query.
    const byEndpoint = withoutTokenCalls(stats.calls);
    cold.push({ calls: Object.values(byEndpoint).reduce((a, b) => a + b, 0), byEndpoint, ms });
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
  const seeded = { customers: customers.length, entities: Number(counts?.entities), accounts: Number(counts?.accounts), transactions: Number(counts?.transactions) };
  out(
    `Seeded ${seeded.customers} customers, ${seeded.entities} entities, ${seeded.accounts} accounts, ${seeded.transactions.toLocaleString('en')} transactions ` +
      `(${yearAgo}..${today}) in ${(seedMs / 1000).toFixed(1)} s (customers and links ${(linkedMs / 1000).toFixed(1)} s), ${SEED_CONCURRENCY} customers at a time.`,
  );
  if (seeded.accounts !== customers.length * BANKS.length * ACCOUNTS_PER_ENTITY) throw new Error(`expected ${customers.length * BANKS.length * ACCOUNTS_PER_ENTITY} accounts`);

  // --- the measured gateway: a fresh process on the seeded database ----------------------------
  await stopGateway(seeder.gateway);
  // The measured gateway runs with the V8 flags `npm start` gives it (the heap cap), plus any asked for.
  const measuredEnv = { ...env, NODE_OPTIONS: [...startFlags(), process.env['BENCH_GATEWAY_NODE_OPTIONS'] ?? ''].join(' ').trim() };
  const measured = await startGateway(measuredEnv);
  running.push(measured.gateway);
  gatewayUrl = measured.url;
  const gatewayPid = measured.gateway.child.pid;
  if (gatewayPid === undefined) throw new Error('the gateway has no pid');

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

  const bareYoga = await startBareYoga();
  bare = bareYoga.child;
  const barePid = bareYoga.child.pid;
  if (barePid === undefined) throw new Error('the bare server has no pid');
  await graphql(bareYoga.url, CEILING);

  const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;
  const scenarios: Scenario[] = [
    {
      key: 'nested',
      label: '(a) nested: customer → 2 entities → 3 accounts each → balance + first 20 transactions',
      url: measured.url,
      pid: gatewayPid,
      body: () => JSON.stringify({ query: NESTED, variables: { id: pick(customers).globalId } }),
    },
    {
      key: 'deep',
      label: `(b) deep page: ${DEEP_PAGE} transactions after a cursor ~1 year back`,
      url: measured.url,
      pid: gatewayPid,
      body: () => {
        const target = pick(deepTargets);
        return JSON.stringify({ query: DEEP, variables: { id: target.id, from: yearAgo, to: today, after: target.after } });
      },
    },
    { key: 'ceiling', label: '(c) ceiling: bare graphql-yoga, `{ __typename }`', url: bareYoga.url, pid: barePid, body: () => JSON.stringify({ query: CEILING }) },
  ];
  const figures: Figures[] = [];
  for (const scenario of scenarios) {
    figures.push(await drive(scenario, sandbox));
    await sleep(500);
  }
  const gatewayHwmMb = memoryOf(gatewayPid).hwmMb;
  const [nested, deep, ceiling] = figures as [Figures, Figures, Figures];

  const coldCalls = cold.map((c) => c.calls);
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const report = {
    at: new Date().toISOString(),
    settings: { leanApiVersion: LEAN_VERSION, customers: CUSTOMERS, connections: CONNECTIONS, durationSeconds: DURATION, seedConcurrency: SEED_CONCURRENCY, coldSamples: COLD },
    machine: { cpus: (await import('node:os')).cpus().length, loadAverageAfter: load, node: process.version },
    seeding: { ...seeded, historyDays: HISTORY_DAYS, seconds: seedMs / 1000, linkSeconds: linkedMs / 1000 },
    cold: { leanCallsPerNestedQuery: coldCalls.reduce((a, b) => a + b, 0) / cold.length, samples: cold },
    deepAccounts: deepTargets.length,
    scenarios: figures,
    gatewayPeakRssMb: Math.max(nested.peakRssMb, deep.peakRssMb),
    gatewayVmHwmMb: gatewayHwmMb,
    ratios: { nestedToCeiling: nested.requestsPerSecond / ceiling.requestsPerSecond, deepToCeiling: deep.requestsPerSecond / ceiling.requestsPerSecond },
    targets: {
      nestedShareOfCeiling: { target: TARGETS.nestedShareOfCeiling, met: false },
      nestedP99Ms: { target: TARGETS.nestedP99Ms, met: false },
      deepP99Ms: { target: TARGETS.deepP99Ms, met: false },
      rssMb: { target: TARGETS.rssMb, met: false },
    },
  };
  report.targets.nestedShareOfCeiling.met = report.ratios.nestedToCeiling >= TARGETS.nestedShareOfCeiling;
  report.targets.nestedP99Ms.met = nested.latencyMs.p99 <= TARGETS.nestedP99Ms;
  report.targets.deepP99Ms.met = deep.latencyMs.p99 <= TARGETS.deepP99Ms;
  report.targets.rssMb.met = gatewayHwmMb <= TARGETS.rssMb;

  const n = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
  const verdict = (met: boolean) => (met ? 'met' : '**missed**');
  const lines: string[] = [];
  lines.push(
    `Gateway (one process, Postgres \`${BENCH_DB}\`, LOG_LEVEL=warn, rate limit off) vs a bare graphql-yoga server; autocannon in the bench process, ` +
      `${CONNECTIONS} connections × ${DURATION} s per scenario; ${CUSTOMERS} customers, ${deepTargets.length} accounts for (b); ${report.machine.cpus} CPUs, load average after the run ${load}.`,
  );
  lines.push('');
  lines.push('| scenario | req/s | p50 ms | p97.5 ms | p99 ms | max ms | peak RSS MB | CPU % (ms/req) | Lean calls | errors | vs (c) |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const f of figures) {
    const ratio = f.requestsPerSecond / ceiling.requestsPerSecond;
    lines.push(
      `| ${f.label} | ${Math.round(f.requestsPerSecond)} | ${f.latencyMs.p50} | ${f.latencyMs.p97_5} | ${f.latencyMs.p99} | ${f.latencyMs.max} | ${n(f.peakRssMb)} | ${n(f.cpuPercent, 0)} (${n(f.cpuMsPerRequest, 2)}) | ${f.leanCalls ?? '–'} | ${f.non2xx + f.errorAnswers + f.socketErrors} | ${f.scenario === 'ceiling' ? '1' : `${n(ratio * 100)}%`} |`,
    );
  }
  lines.push('');
  lines.push(
    `Seeding: ${seeded.transactions.toLocaleString('en')} transactions of ${seeded.accounts} accounts in ${n(seedMs / 1000)} s. ` +
      `Cold cache: ${n(report.cold.leanCallsPerNestedQuery)} Lean calls per nested query (${cold.length} customers: ${coldCalls.join(', ')}; ` +
      `${Object.entries(cold[0]?.byEndpoint ?? {}).map(([endpoint, count]) => `${endpoint} ${count}`).join(', ')}), ${n(cold.reduce((a, c) => a + c.ms, 0) / cold.length, 0)} ms each. ` +
      `Gateway VmHWM after the runs: ${n(gatewayHwmMb)} MB.`,
  );
  lines.push('');
  lines.push('| target | value | |');
  lines.push('|---|---:|---|');
  lines.push(`| (a) ≥ ${TARGETS.nestedShareOfCeiling * 100}% of (c) req/s | ${n(report.ratios.nestedToCeiling * 100)}% | ${verdict(report.targets.nestedShareOfCeiling.met)} |`);
  lines.push(`| (a) p99 ≤ ${TARGETS.nestedP99Ms} ms | ${nested.latencyMs.p99} ms | ${verdict(report.targets.nestedP99Ms.met)} |`);
  lines.push(`| (b) p99 ≤ ${TARGETS.deepP99Ms} ms | ${deep.latencyMs.p99} ms | ${verdict(report.targets.deepP99Ms.met)} |`);
  lines.push(`| gateway RSS ≤ ${TARGETS.rssMb} MB (VmHWM) | ${n(gatewayHwmMb)} MB | ${verdict(report.targets.rssMb.met)} |`);
  out();
  for (const line of lines) out(line);

  await mkdir(OUT_DIR, { recursive: true });
  await writeFile(join(OUT_DIR, 'query.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(OUT_DIR, 'query.md'), `# npm run bench:query — ${report.at}\n\n${lines.join('\n')}\n`);
  out();
  out(`Figures written to ${join(OUT_DIR, 'query.json')} and query.md beside it.`);
  if (figures.some((f) => f.non2xx + f.errorAnswers + f.socketErrors + f.timeouts > 0 || f.requests === 0)) {
    out('Some requests failed or answered errors: see the errors column.');
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

/** The V8 flags of package.json's `start` script (e.g. `--max-old-space-size=256`). */
function startFlags(): string[] {
  const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  return manifest.scripts?.['start']?.match(/--max-[a-z-]+=\d+/g) ?? [];
}
