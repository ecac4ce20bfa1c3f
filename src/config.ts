import { readLeanConfig, readSandboxConfig } from './config/lean.js';
import { ConfigError, DEVELOPMENT_ENCRYPTION_KEY, parseVariables, variables, type Parsed } from './config/variables.js';

export { LEAN_HOSTS, LEAN_V2_HOSTS } from './config/lean.js';
export { ConfigError, configVariableNames, DEVELOPMENT_ENCRYPTION_KEY } from './config/variables.js';

/** The gateway's whole configuration, read once from the environment at start-up. */
export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly http: { readonly port: number; readonly host: string };
  readonly logLevel: LogLevel;
  readonly database: DatabaseConfig;
  readonly auth: AuthConfig;
  /** Whether anonymous callers may run introspection and `__typename`. */
  readonly introspection: boolean;
  /** Whether the web app (`web/dist/`) is served at `/`: always outside production, in production only when asked. */
  readonly webApp: boolean;
  readonly cors: CorsConfig;
  readonly lean: LeanConfig;
  readonly sandbox: SandboxConfig;
  readonly cache: CacheConfig;
  /** How long a claimed webhook stays invisible to other processors; a crashed instance's rows return after it. */
  readonly webhookLeaseMs: number;
  /** How long published events stay in the event log, for subscribers that resume with a cursor. */
  readonly eventRetentionMs: number;
  /** How long before a consent ends `consentExpiring` is sent (GATEWAY_CONSENT_NOTICE_DAYS). */
  readonly consentNoticeMs: number;
  /** How often one instance looks for consents that end soon or ended (GATEWAY_CONSENT_CHECK_SECONDS). */
  readonly consentCheckMs: number;
  /** Webhooks one instance applies at once, each of a different entity; below the pool size, so that acknowledgements keep connections. */
  readonly webhookConcurrency: number;
  /** Days APPLIED and IGNORED inbox rows are kept; FAILED and INVALID ones stay until replayed or deleted by an operator. */
  readonly inboxRetentionDays: number;
  /** Between two catch-up runs (at start, then this often); undefined when turned off (GATEWAY_RECONCILE_MINUTES=0). */
  readonly reconcileEveryMs: number | undefined;
  readonly limits: QueryLimits;
  /** Per-principal token bucket on /graphql; undefined when turned off (GATEWAY_RATE_LIMIT_PER_SECOND=0). */
  readonly rateLimit: { readonly perSecond: number; readonly burst: number } | undefined;
  /** Trusted-documents mode: the persisted-documents manifest (hash → document); unset runs any document. */
  readonly trustedDocumentsFile: string | undefined;
  readonly encryption: EncryptionConfig;
  /** How long a query's whole answer is kept per principal; 0 keeps none. Never longer than the shortest data lifetime. */
  readonly responseCacheMs: number;
  /** `GET /metrics`: on its own port without credentials when `port` is set, else on the main port for services. */
  readonly metrics: { readonly port: number | undefined };
  /** OpenTelemetry spans exported over OTLP/HTTP when `endpoint` is set; no tracer at all otherwise. */
  readonly tracing: { readonly endpoint: string | undefined; readonly serviceName: string };
}

/**
 * Which browser origins may call the gateway with credentials (and open a WebSocket): GATEWAY_CORS_ORIGINS
 * exactly; unset, none in production and, in development and test, any http://localhost:<port> or
 * http://127.0.0.1:<port>. The gateway's own origin (the request's Host) is always allowed.
 */
export interface CorsConfig {
  readonly origins: readonly string[];
  /** Any `http://localhost:<port>` / `http://127.0.0.1:<port>`: the default outside production. */
  readonly loopback: boolean;
}

/** What one GraphQL request may ask for. */
export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxTokens: number;
  readonly maxDirectives: number;
  /** Cost of a document: every field costs 1, a list field's selection is multiplied by its `first` (or its assumed size). */
  readonly maxCost: number;
  /** Operations in one batched request; 1 turns batching off. */
  readonly maxBatch: number;
}

/** AES-256-GCM keys for personal data at rest: new values are sealed under `current`, any listed key id opens. */
export interface EncryptionConfig {
  readonly keys: ReadonlyMap<string, Buffer>;
  readonly current: string;
  /** No GATEWAY_ENCRYPTION_KEY outside production: a fixed, publicly known development key (warned at start). */
  readonly developmentKey: boolean;
}

/** How long each kind of Lean data is served from Postgres before it is fetched again, in milliseconds. */
export interface CacheConfig {
  readonly entitiesMs: number;
  readonly accountsMs: number;
  readonly balanceMs: number;
  readonly identityMs: number;
  /** SAMA's per-account datasets, each its own window (a "not offered" answer is kept as long). */
  readonly beneficiariesMs: number;
  readonly directDebitsMs: number;
  readonly scheduledPaymentsMs: number;
  readonly standingOrdersMs: number;
  readonly partiesMs: number;
  /** Transactions of days before the fetch never expire; a range reaching the day of the fetch does. */
  readonly recentTransactionsMs: number;
  /** Lean's bank catalogue, the same for every customer. */
  readonly banksMs: number;
}

/** The upstream: Lean's API at a URL, or the emulator started in this process (development only). */
export interface LeanConfig {
  readonly upstream: LeanUpstreamConfig;
  /** Mutual TLS: the application's certificate and key, and Lean's chain as the trusted CA. */
  readonly tls: { readonly certFile: string; readonly keyFile: string; readonly caFile: string | undefined } | undefined;
  readonly timeoutMs: number;
  readonly maxConcurrency: number;
  readonly maxRetries: number;
  /** Verifies `lean-signature` on webhooks; generated for the embedded emulator when unset. */
  readonly webhookSecret: string | undefined;
  /** The region of the Lean application, for link requests that name no bank. */
  readonly region: 'UAE' | 'KSA';
  /** Whether the Link SDK must be told `sandbox: true` (anything but Lean's production host). */
  readonly linkSandbox: boolean;
  /** Per endpoint: this many failed calls in a row open the circuit; after `openMs` one probe call is let through. */
  readonly circuit: { readonly failures: number; readonly openMs: number };
}

/**
 * Which Lean the gateway talks to, and in which generation of its API: v1 (app token, mutual TLS
 * required in production) or v2 (OAuth2 client credentials; mutual TLS optional); or the emulator
 * started in this process (development and tests), speaking either generation.
 */
export type LeanUpstreamConfig =
  | { readonly kind: 'remote'; readonly version: 'v1'; readonly baseUrl: string; readonly appToken: string }
  | {
      readonly kind: 'remote';
      readonly version: 'v2';
      readonly baseUrl: string;
      /** Where `POST /oauth2/token` is sent. */
      readonly authUrl: string;
      readonly clientId: string;
      readonly clientSecret: string;
      /** The `app_token` the Link SDK takes: LEAN_APP_TOKEN, else the client id (Lean's docs call both the application id). */
      readonly appToken: string;
    }
  | { readonly kind: 'embeddedSandbox'; readonly version: 'v1' | 'v2' };

/** The Lean emulator: `npm run sandbox`, or in-process when no LEAN_API_URL / LEAN_ENV is set. */
export interface SandboxConfig {
  readonly port: number;
  readonly host: string;
  readonly seed: string;
  /** Where webhooks go; the embedded emulator addresses the gateway's own /webhooks/lean. */
  readonly webhookUrl: string | undefined;
  /** Multiplies Lean's redelivery schedule (1, 2, 5, 10, 60, 180 minutes); tests shrink it. */
  readonly retryScale: number;
  /** How long the asynchronous bank takes before `results.ready`. */
  readonly resultsDelayMs: number;
  /** How long a session of the bank whose sessions expire lasts before RECONNECT_REQUIRED. */
  readonly sessionTtlMs: number;
  /** A JSON file keeping customers and entities across restarts; unset keeps them in memory. */
  readonly stateFile: string | undefined;
  /** How long a v2 access token of the emulator lasts (Lean's: an hour, `expires_in: 3599`). */
  readonly tokenTtlMs: number;
  /** How long the emulator takes to read a bank into its store: between a refresh's PENDING and FINISHED / OK webhooks. */
  readonly refreshDelayMs: number;
  /** Whether the emulator sends `entity.data.refresh.updated` after each link and refresh request. */
  readonly refreshWebhooks: boolean;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export type DatabaseConfig =
  | {
      readonly kind: 'postgres';
      readonly url: string;
      readonly poolMax: number;
      readonly connectTimeoutMs: number;
      readonly idleTimeoutMs: number;
    }
  | { readonly kind: 'pglite'; readonly dir: string };

export interface AuthConfig {
  readonly apiKeys: readonly string[];
  readonly jwt: JwtConfig | undefined;
  /** No credentials configured outside production: every caller is a local development service. */
  readonly developmentPrincipal: boolean;
}

export type JwtConfig = { readonly issuer: string; readonly audience: string } & (
  | { readonly kind: 'secret'; readonly secret: Uint8Array }
  | { readonly kind: 'jwks'; readonly url: URL }
);

/** Turns the environment into a typed Config, or throws a ConfigError naming each bad variable. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const parsed = parseVariables(environment);
  const problems: string[] = [];

  const env = parsed.NODE_ENV ?? 'development';
  const production = env === 'production';

  const jwt = readJwtConfig(parsed, problems);
  const apiKeys = parsed.GATEWAY_API_KEYS ?? [];
  const lean = readLeanConfig(parsed, production, problems);
  if (production && parsed.GATEWAY_ENCRYPTION_KEY === undefined) {
    problems.push(`GATEWAY_ENCRYPTION_KEY: expected ${variables.GATEWAY_ENCRYPTION_KEY.expects} (required in production: identities and IBANs are encrypted with it)`);
  }
  if (production && apiKeys.length === 0 && jwt === undefined) {
    problems.push(
      'GATEWAY_API_KEYS / GATEWAY_JWT_SECRET / GATEWAY_JWKS_URL: production needs at least one way to authenticate callers; set API keys for services and/or JWT settings for end users',
    );
  }
  const poolMax = parsed.DATABASE_POOL_MAX ?? 10;
  if (parsed.DATABASE_URL !== undefined && parsed.GATEWAY_WEBHOOK_CONCURRENCY !== undefined && parsed.GATEWAY_WEBHOOK_CONCURRENCY >= poolMax) {
    problems.push(`GATEWAY_WEBHOOK_CONCURRENCY: expected fewer than DATABASE_POOL_MAX (${poolMax}) webhooks at once, so that acknowledgements and queries keep connections`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const database: DatabaseConfig =
    parsed.DATABASE_URL !== undefined
      ? {
          kind: 'postgres',
          url: parsed.DATABASE_URL,
          poolMax,
          connectTimeoutMs: parsed.DATABASE_CONNECT_TIMEOUT_MS ?? 5_000,
          idleTimeoutMs: parsed.DATABASE_IDLE_TIMEOUT_MS ?? 30_000,
        }
      : { kind: 'pglite', dir: parsed.PGLITE_DIR ?? './.data/pglite' };

  const cache: CacheConfig = {
    entitiesMs: (parsed.CACHE_TTL_ENTITIES_SECONDS ?? 3_600) * 1_000,
    accountsMs: (parsed.CACHE_TTL_ACCOUNTS_SECONDS ?? 3_600) * 1_000,
    balanceMs: (parsed.CACHE_TTL_BALANCE_SECONDS ?? 300) * 1_000,
    identityMs: (parsed.CACHE_TTL_IDENTITY_SECONDS ?? 86_400) * 1_000,
    beneficiariesMs: (parsed.CACHE_TTL_BENEFICIARIES_SECONDS ?? 3_600) * 1_000,
    directDebitsMs: (parsed.CACHE_TTL_DIRECT_DEBITS_SECONDS ?? 3_600) * 1_000,
    scheduledPaymentsMs: (parsed.CACHE_TTL_SCHEDULED_PAYMENTS_SECONDS ?? 3_600) * 1_000,
    standingOrdersMs: (parsed.CACHE_TTL_STANDING_ORDERS_SECONDS ?? 3_600) * 1_000,
    partiesMs: (parsed.CACHE_TTL_PARTIES_SECONDS ?? 86_400) * 1_000,
    recentTransactionsMs: (parsed.CACHE_TTL_RECENT_TRANSACTIONS_SECONDS ?? 900) * 1_000,
    banksMs: (parsed.CACHE_TTL_BANKS_SECONDS ?? 3_600) * 1_000,
  };

  return {
    env,
    // Outside production the gateway answers only on this machine unless told otherwise.
    http: { port: parsed.PORT ?? 4000, host: parsed.HOST ?? (production ? '0.0.0.0' : '127.0.0.1') },
    logLevel: parsed.LOG_LEVEL ?? 'info',
    database,
    auth: {
      apiKeys,
      jwt,
      developmentPrincipal: !production && apiKeys.length === 0 && jwt === undefined,
    },
    introspection: parsed.GATEWAY_INTROSPECTION ?? true,
    webApp: parsed.GATEWAY_WEB_APP ?? !production,
    cors: { origins: parsed.GATEWAY_CORS_ORIGINS ?? [], loopback: !production && parsed.GATEWAY_CORS_ORIGINS === undefined },
    lean,
    sandbox: readSandboxConfig(parsed),
    cache,
    webhookLeaseMs: (parsed.GATEWAY_WEBHOOK_LEASE_SECONDS ?? 60) * 1_000,
    eventRetentionMs: Math.round((parsed.GATEWAY_EVENT_RETENTION_HOURS ?? 24) * 3_600_000),
    consentNoticeMs: (parsed.GATEWAY_CONSENT_NOTICE_DAYS ?? 7) * 86_400_000,
    consentCheckMs: (parsed.GATEWAY_CONSENT_CHECK_SECONDS ?? 300) * 1_000,
    webhookConcurrency: parsed.GATEWAY_WEBHOOK_CONCURRENCY ?? (database.kind === 'postgres' ? Math.max(1, Math.min(8, poolMax - 2)) : 4),
    inboxRetentionDays: parsed.GATEWAY_INBOX_RETENTION_DAYS ?? 30,
    reconcileEveryMs: parsed.GATEWAY_RECONCILE_MINUTES === 0 ? undefined : Math.max(1_000, Math.round((parsed.GATEWAY_RECONCILE_MINUTES ?? 15) * 60_000)),
    limits: {
      maxDepth: parsed.GATEWAY_MAX_DEPTH ?? 10,
      maxAliases: parsed.GATEWAY_MAX_ALIASES ?? 30,
      maxTokens: parsed.GATEWAY_MAX_TOKENS ?? 2_000,
      maxDirectives: parsed.GATEWAY_MAX_DIRECTIVES ?? 10,
      maxCost: parsed.GATEWAY_MAX_COST ?? 50_000,
      maxBatch: parsed.GATEWAY_MAX_BATCH ?? 1,
    },
    rateLimit: readRateLimit(parsed),
    // A whole answer is never kept longer than the shortest lifetime of the data in it.
    responseCacheMs: Math.min(
      (parsed.GATEWAY_RESPONSE_CACHE_SECONDS ?? 30) * 1_000,
      cache.entitiesMs,
      cache.accountsMs,
      cache.balanceMs,
      cache.identityMs,
      cache.recentTransactionsMs,
      cache.beneficiariesMs,
      cache.directDebitsMs,
      cache.scheduledPaymentsMs,
      cache.standingOrdersMs,
      cache.partiesMs,
    ),
    metrics: { port: parsed.GATEWAY_METRICS_PORT },
    tracing: { endpoint: parsed.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, ''), serviceName: parsed.OTEL_SERVICE_NAME ?? 'lean-graphql-gateway' },
    trustedDocumentsFile: parsed.GATEWAY_TRUSTED_DOCUMENTS_FILE,
    encryption:
      parsed.GATEWAY_ENCRYPTION_KEY !== undefined
        ? { ...parsed.GATEWAY_ENCRYPTION_KEY, developmentKey: false }
        : { keys: new Map([[DEVELOPMENT_ENCRYPTION_KEY.id, DEVELOPMENT_ENCRYPTION_KEY.key]]), current: DEVELOPMENT_ENCRYPTION_KEY.id, developmentKey: true },
  };
}

/** The emulator's own settings, for `npm run sandbox`. */
export function loadSandboxConfig(environment: NodeJS.ProcessEnv = process.env): SandboxConfig & {
  appToken: string | undefined;
  webhookSecret: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
} {
  const parsed = parseVariables(environment);
  return {
    ...readSandboxConfig(parsed),
    appToken: parsed.LEAN_APP_TOKEN,
    webhookSecret: parsed.LEAN_WEBHOOK_SECRET,
    clientId: parsed.LEAN_CLIENT_ID,
    clientSecret: parsed.LEAN_CLIENT_SECRET,
  };
}

function readRateLimit(parsed: Parsed): Config['rateLimit'] {
  const perSecond = parsed.GATEWAY_RATE_LIMIT_PER_SECOND ?? 20;
  if (perSecond === 0) return undefined;
  return { perSecond, burst: parsed.GATEWAY_RATE_LIMIT_BURST ?? 60 };
}

function readJwtConfig(parsed: Parsed, problems: string[]): JwtConfig | undefined {
  const secret = parsed.GATEWAY_JWT_SECRET;
  const url = parsed.GATEWAY_JWKS_URL;
  const issuer = parsed.GATEWAY_JWT_ISSUER;
  const audience = parsed.GATEWAY_JWT_AUDIENCE;
  if (secret === undefined && url === undefined) {
    if (issuer !== undefined || audience !== undefined) {
      problems.push(
        'GATEWAY_JWT_ISSUER / GATEWAY_JWT_AUDIENCE: set only together with GATEWAY_JWT_SECRET or GATEWAY_JWKS_URL',
      );
    }
    return undefined;
  }
  if (secret !== undefined && url !== undefined) {
    problems.push('GATEWAY_JWT_SECRET / GATEWAY_JWKS_URL: expected one of the two, not both');
    return undefined;
  }
  if (issuer === undefined) problems.push(`GATEWAY_JWT_ISSUER: expected ${variables.GATEWAY_JWT_ISSUER.expects} (required with JWT verification)`);
  if (audience === undefined) problems.push(`GATEWAY_JWT_AUDIENCE: expected ${variables.GATEWAY_JWT_AUDIENCE.expects} (required with JWT verification)`);
  if (issuer === undefined || audience === undefined) return undefined;
  return secret !== undefined
    ? { kind: 'secret', secret: new TextEncoder().encode(secret), issuer, audience }
    : { kind: 'jwks', url: new URL(url ?? ''), issuer, audience };
}

/** For entry points: the loaded config, or the problems on stderr and exit 1. */
export function loadOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
