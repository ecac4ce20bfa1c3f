import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { createAuthenticator } from './auth/authenticate.js';
import { DevSignIn } from './auth/dev-sign-in.js';
import { FetchLeases, processOnly } from './data/fetch-sharing.js';
import { InFlight } from './data/in-flight.js';
import { EventHub } from './events/bus.js';
import { ConsentNotices } from './events/consent-notices.js';
import { EventLogPruner } from './events/retention.js';
import { createCorsPolicy } from './http/cors.js';
import { attachGraphQLWebSocket } from './http/graphql-ws.js';
import { InboxRetention } from './webhooks/inbox-retention.js';
import { Reconciler } from './webhooks/reconcile.js';
import { WebhookProcessor } from './webhooks/processor.js';
import { createWebhookReceiver } from './webhooks/receive.js';
import type { Config } from './config.js';
import { PersonalDataVault } from './crypto/personal-data.js';
import { openDatabase, type Database } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { createGraphQLHandler } from './http/graphql.js';
import { createDevRoutes } from './http/dev-routes.js';
import { createRateLimiter } from './http/rate-limiter.js';
import { createHttpServer } from './http/server.js';
import { webAppRoute } from './http/web-app.js';
import type { LeanApi } from './lean/api.js';
import type { Logger } from './log.js';
import { GatewayMetrics } from './observability/metrics.js';
import { metricsForServices, startMetricsServer, type MetricsServer } from './http/metrics-route.js';
import { startTracing } from './observability/tracing.js';
import { projectPath } from './project-root.js';
import type { RunningSandbox } from './sandbox/server.js';
import { gatewaySchema } from './schema/index.js';
import { sealLegacyPersonalData } from './store/personal-data-store.js';
import { INBOX_CHANNEL } from './store/webhook-inbox-store.js';
import { connectUpstream } from './upstream.js';

/** A fetch lease outlasts one Lean call's timeout by this much (the store write after it included). */
const FETCH_LEASE_MARGIN_MS = 5_000;

/** How long in-flight requests may take to finish once shutdown begins. */
export const SHUTDOWN_GRACE_MS = 10_000;

export interface Gateway {
  /** The base URL the gateway listens on, e.g. http://127.0.0.1:4000 */
  readonly url: string;
  /** The metrics server's base URL when GATEWAY_METRICS_PORT is set (GET /metrics there needs no credentials). */
  readonly metricsUrl: string | undefined;
  readonly database: Database;
  readonly lean: LeanApi;
  /** The in-process Lean emulator, when no LEAN_API_URL / LEAN_ENV is set. */
  readonly sandbox: RunningSandbox | undefined;
  /** Stops accepting, lets in-flight requests finish (at most SHUTDOWN_GRACE_MS), closes the database. */
  stop(): Promise<void>;
}

const version = (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string }).version;

/** Composition root: database and migrations, auth, schema, HTTP; resolves once it listens. */
export async function startGateway(config: Config, log: Logger): Promise<Gateway> {
  if (config.auth.developmentPrincipal) {
    log.warn(
      'no GATEWAY_API_KEYS or JWT settings: every caller without credentials is treated as a local development service; never run like this outside your machine',
    );
  }
  if (config.encryption.developmentKey) {
    log.warn('no GATEWAY_ENCRYPTION_KEY: identities and IBANs are sealed with the publicly known development key; never store real personal data like this');
  }
  const vault = new PersonalDataVault(config.encryption, log.child({ component: 'personal-data' }));
  // Before the database and the schema: both decide at creation whether they record spans.
  const tracing = startTracing(config.tracing, log);
  const database = await openDatabase(config.database, log);
  const metrics = new GatewayMetrics();
  metrics.watchDatabase(database);
  const instanceId = randomUUID();
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
    // Rows stored before personal data was sealed (migration 0004) are sealed now, before anything reads them.
    const sealed = await sealLegacyPersonalData(database.db, vault);
    if (sealed > 0) log.info({ rows: sealed }, 'personal data stored before sealing existed is sealed now');
    await database.db
      .insertInto('gateway_instances')
      .values({ id: instanceId, hostname: hostname(), pid: process.pid, version, database_kind: database.kind })
      .execute();
  } catch (error) {
    await database.close();
    throw error;
  }

  // The embedded emulator addresses webhooks to this gateway, whose URL is known only once it listens.
  const listening: { url?: string } = {};
  const upstream = await connectUpstream(config, log, () => listening.url, metrics.leanCalls).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });

  if (upstream.webhookSecret === undefined) {
    log.warn('no LEAN_WEBHOOK_SECRET: webhooks are accepted without checking lean-signature; never run like this outside your machine');
  }
  const events = new EventHub(log.child({ component: 'events' }), metrics.subscribers);
  const eventPruner = new EventLogPruner(database.db, config.eventRetentionMs, log.child({ component: 'events' }));
  const inFlight = new InFlight();
  metrics.watchInFlight(inFlight);
  const dataLog = log.child({ component: 'data' });
  // PGlite is one process by construction: its InFlight is every instance's.
  const fetchSharing =
    database.kind === 'pglite' ? processOnly : new FetchLeases(database.db, { leaseMs: config.lean.timeoutMs + FETCH_LEASE_MARGIN_MS, log: dataLog });
  const dataDependencies = { db: database.db, vault, lean: upstream.lean, cache: config.cache, inFlight, fetchSharing, cacheReads: metrics.cacheReads, log: dataLog };
  const processor = new WebhookProcessor({
    db: database.db,
    vault,
    lean: upstream.lean,
    cache: config.cache,
    leaseMs: config.webhookLeaseMs,
    concurrency: config.webhookConcurrency,
    observer: metrics.webhooks,
    log: log.child({ component: 'webhooks' }),
  });
  const retention = new InboxRetention({ db: database.db, retentionDays: config.inboxRetentionDays, log: log.child({ component: 'webhooks' }) });
  const consentNotices = new ConsentNotices({ db: database.db, noticeMs: config.consentNoticeMs, everyMs: config.consentCheckMs, log: log.child({ component: 'consents' }) });
  const reconcileEveryMs = config.reconcileEveryMs;
  const reconciler =
    reconcileEveryMs === undefined
      ? undefined
      : new Reconciler({ db: database.db, vault, lean: upstream.lean, cache: config.cache, everyMs: reconcileEveryMs, log: log.child({ component: 'reconcile' }) });
  let stopInboxListener: (() => Promise<void>) | undefined;
  try {
    await events.listen(database);
    // A webhook stored by any instance wakes every instance's processor.
    stopInboxListener = await database.listen(INBOX_CHANNEL, () => processor.wake());
  } catch (error) {
    await events.close();
    await upstream.close();
    await database.close();
    throw error;
  }

  let draining = false;
  // Development without any auth settings (no API keys, no JWT settings, not production): /dev/sign-in
  // issues end-user tokens that the real end-user path verifies. With API keys set, nobody may mint one.
  const devSignIn = config.auth.developmentPrincipal ? new DevSignIn() : undefined;
  if (devSignIn !== undefined) log.warn('POST /dev/sign-in issues end-user tokens for any app user id: development only, never reachable from outside your machine');
  const authenticate = createAuthenticator(devSignIn === undefined ? config.auth : { ...config.auth, jwt: devSignIn.jwt });
  const graphql = createGraphQLHandler({
    config,
    schema: gatewaySchema(),
    authenticate,
    log,
    data: dataDependencies,
    link: { appToken: upstream.appToken, sandbox: config.lean.linkSandbox, region: config.lean.region, consentNoticeMs: config.consentNoticeMs },
    events,
    metrics,
    rateLimiter: config.rateLimit && createRateLimiter(config.rateLimit, database, log.child({ component: 'rate-limit' })),
  });
  const webhooks = createWebhookReceiver({ db: database.db, secret: upstream.webhookSecret, log, onStored: () => processor.wake() });
  const cors = createCorsPolicy(config.cors);
  const server = createHttpServer({
    log,
    database,
    graphql,
    cors,
    graphiqlAssets: config.env !== 'production',
    webhooks,
    isDraining: () => draining,
    metrics: config.metrics.port === undefined ? metricsForServices(metrics, authenticate) : undefined,
    webApp: config.webApp ? webAppRoute() : undefined,
    dev: devSignIn && createDevRoutes({ signIn: devSignIn, sandboxUrl: upstream.sandbox?.url, leanApiVersion: upstream.lean.version }),
  });
  const webSockets = attachGraphQLWebSocket(server, graphql, log, { introspection: config.introspection, cors });
  let metricsServer: MetricsServer | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.http.port, config.http.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    metricsServer = config.metrics.port === undefined ? undefined : await startMetricsServer(metrics, config.http.host, config.metrics.port, log);
  } catch (error) {
    server.close();
    await webSockets.close();
    await stopInboxListener();
    await events.close();
    await upstream.close();
    await database.close();
    throw error;
  }
  // Rows left by a crash (or received while no instance ran) are applied from now on.
  processor.start();
  eventPruner.start();
  retention.start();
  consentNotices.start();
  reconciler?.start();
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
  listening.url = url;
  log.info({ url, metricsUrl: metricsServer?.url, database: database.kind, version, instanceId }, 'gateway ready');

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    draining = true;
    log.info('shutting down: no new connections; waiting for in-flight requests');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Subscriptions are long-lived: their sockets close now rather than hold the drain.
    await webSockets.close();
    // Keep-alive connections that finish their request are closed as soon as they fall idle.
    const idleSweep = setInterval(() => server.closeIdleConnections(), 50);
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), SHUTDOWN_GRACE_MS);
    });
    const outcome = await Promise.race([closed.then(() => 'drained' as const), deadline]);
    clearInterval(idleSweep);
    clearTimeout(timer);
    if (outcome === 'deadline') {
      log.warn({ graceMs: SHUTDOWN_GRACE_MS }, 'requests still running at the deadline were cut off');
      server.closeAllConnections();
      await closed;
    }
    await webSockets.close();
    await metricsServer?.close();
    await stopInboxListener();
    await processor.stop();
    await eventPruner.stop();
    await retention.stop();
    await consentNotices.stop();
    await reconciler?.stop();
    await graphql.dispose();
    await events.close();
    await upstream.close();
    await database.db
      .updateTable('gateway_instances')
      .set({ stopped_at: new Date() })
      .where('id', '=', instanceId)
      .execute()
      .catch((error: unknown) => log.warn({ err: error }, 'could not record the clean stop'));
    await database.close();
    await tracing.shutdown();
    log.info('stopped');
  };
  return {
    url,
    metricsUrl: metricsServer?.url,
    database,
    lean: upstream.lean,
    sandbox: upstream.sandbox,
    stop: () => (stopping ??= stop()),
  };
}
