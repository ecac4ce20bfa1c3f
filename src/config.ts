import { accessSync, constants, statSync } from 'node:fs';
import { z } from 'zod';

/** The gateway's whole configuration, read once from the environment at start-up. */
export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly http: { readonly port: number; readonly host: string };
  readonly logLevel: LogLevel;
  readonly database: DatabaseConfig;
  readonly auth: AuthConfig;
  /** Whether anonymous callers may run introspection and `__typename`. */
  readonly introspection: boolean;
  readonly lean: LeanConfig;
  readonly sandbox: SandboxConfig;
  readonly cache: CacheConfig;
  /** How long a claimed webhook stays invisible to other processors; a crashed instance's rows return after it. */
  readonly webhookLeaseMs: number;
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
  /** Transactions of days before the fetch never expire; a range reaching the day of the fetch does. */
  readonly recentTransactionsMs: number;
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

/** Lean's v1 hosts (the seed docs). */
export const LEAN_HOSTS = { sandbox: 'https://sandbox.leantech.me', production: 'https://api.leantech.me' } as const;

/** Lean's v2 hosts, per environment and region (lean-reference/README.md, "v2"). */
export const LEAN_V2_HOSTS = {
  sandbox: {
    UAE: { api: 'https://sandbox.leantech.me', auth: 'https://auth.sandbox.ae.leantech.me' },
    KSA: { api: 'https://sandbox.sa.leantech.me', auth: 'https://auth.sandbox.sa.leantech.me' },
  },
  production: {
    UAE: { api: 'https://api2.leantech.me', auth: 'https://auth.leantech.me' },
    KSA: { api: 'https://api2.sa.leantech.me', auth: 'https://auth.sa.leantech.me' },
  },
} as const;

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

/** Start-up refuses with every problem listed, one line per variable. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];
const MIN_API_KEY_LENGTH = 32;
const MIN_JWT_SECRET_BYTES = 32;
const KEY_ID_SHAPE = /^[A-Za-z0-9_-]{1,32}$/;
/** Publicly known: used only outside production when GATEWAY_ENCRYPTION_KEY is unset, and said so at start. */
export const DEVELOPMENT_ENCRYPTION_KEY = { id: 'dev', key: Buffer.alloc(32, 0x5a) } as const;

/** `id:base64key[,id:base64key…]`: the first key seals new values, every listed key opens old ones. */
const encryptionKeys = z.string().transform((value, ctx) => {
  const keys = new Map<string, Buffer>();
  let current: string | undefined;
  for (const part of value.split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
    const separator = part.indexOf(':');
    const id = part.slice(0, separator);
    const key = Buffer.from(part.slice(separator + 1), 'base64');
    if (separator <= 0 || !KEY_ID_SHAPE.test(id) || key.length !== 32 || keys.has(id)) {
      ctx.addIssue({ code: 'custom', message: 'bad key' });
      return z.NEVER;
    }
    keys.set(id, key);
    current ??= id;
  }
  if (current === undefined) {
    ctx.addIssue({ code: 'custom', message: 'no key' });
    return z.NEVER;
  }
  return { keys: keys, current };
});

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** A URL that parses and passes `accept`. */
const urlWhere = (accept: (url: URL) => boolean) =>
  z.string().refine((value) => {
    try {
      return accept(new URL(value));
    } catch {
      return false;
    }
  });

const postgresUrl = urlWhere((url) => ['postgres:', 'postgresql:'].includes(url.protocol));
const jwksUrl = urlWhere((url) => url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname)));
const httpUrl = urlWhere((url) => ['https:', 'http:'].includes(url.protocol));

const readableFile = z.string().refine((path) => {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
});

const decimalNumber = z
  .string()
  .regex(/^\d+(\.\d+)?$/)
  .transform(Number)
  .pipe(z.number().positive());

const decimalOrZero = z
  .string()
  .regex(/^\d+(\.\d+)?$/)
  .transform(Number)
  .pipe(z.number().min(0).max(1_000_000));

const booleanWord = z
  .string()
  .transform((v) => v.toLowerCase())
  .refine((v) => TRUE_WORDS.includes(v) || FALSE_WORDS.includes(v))
  .transform((v) => TRUE_WORDS.includes(v));

/**
 * Each variable: its schema, what it expects (said in the error), and whether its value may be
 * echoed back. Secrets and URLs that may hold a password are never echoed.
 */
const variables = {
  NODE_ENV: {
    schema: z.enum(['development', 'test', 'production']),
    expects: 'one of development, test, production',
    echo: true,
  },
  PORT: { schema: integer(0, 65535), expects: 'an integer port between 0 and 65535', echo: true },
  HOST: { schema: z.string().min(1), expects: 'a host name or IP address to listen on', echo: true },
  LOG_LEVEL: { schema: z.enum(LOG_LEVELS), expects: `one of ${LOG_LEVELS.join(', ')}`, echo: true },
  DATABASE_URL: {
    schema: postgresUrl,
    expects: 'a postgres:// or postgresql:// connection URL',
    echo: false,
  },
  DATABASE_POOL_MAX: { schema: integer(1, 1000), expects: 'an integer between 1 and 1000', echo: true },
  DATABASE_CONNECT_TIMEOUT_MS: {
    schema: integer(100, 600_000),
    expects: 'milliseconds, an integer between 100 and 600000',
    echo: true,
  },
  DATABASE_IDLE_TIMEOUT_MS: {
    schema: integer(100, 3_600_000),
    expects: 'milliseconds, an integer between 100 and 3600000',
    echo: true,
  },
  PGLITE_DIR: { schema: z.string().min(1), expects: 'a directory path for the embedded database', echo: true },
  GATEWAY_API_KEYS: {
    schema: z
      .string()
      .transform((v) => v.split(',').map((key) => key.trim()).filter((key) => key.length > 0))
      .refine((keys) => keys.length > 0 && keys.every((key) => key.length >= MIN_API_KEY_LENGTH)),
    expects: `a comma-separated list of API keys, each at least ${MIN_API_KEY_LENGTH} characters`,
    echo: false,
  },
  GATEWAY_JWT_SECRET: {
    schema: z.string().refine((v) => Buffer.byteLength(v) >= MIN_JWT_SECRET_BYTES),
    expects: `an HS256 secret of at least ${MIN_JWT_SECRET_BYTES} bytes`,
    echo: false,
  },
  GATEWAY_JWKS_URL: {
    schema: jwksUrl,
    expects: 'an https:// URL of a JSON Web Key Set (http:// only for localhost)',
    echo: true,
  },
  GATEWAY_JWT_ISSUER: { schema: z.string().min(1), expects: 'the expected `iss` claim of end-user JWTs', echo: true },
  GATEWAY_JWT_AUDIENCE: {
    schema: z.string().min(1),
    expects: 'the expected `aud` claim of end-user JWTs',
    echo: true,
  },
  GATEWAY_INTROSPECTION: {
    schema: booleanWord,
    expects: `a boolean (${TRUE_WORDS.join('/')} or ${FALSE_WORDS.join('/')})`,
    echo: true,
  },
  LEAN_API_URL: { schema: httpUrl, expects: "the base URL of Lean's API (https://…); overrides LEAN_ENV", echo: true },
  LEAN_ENV: { schema: z.enum(['sandbox', 'production']), expects: "sandbox or production (Lean's hosts)", echo: true },
  LEAN_APP_TOKEN: { schema: z.string().min(8), expects: 'the application token from the Lean developer portal', echo: false },
  LEAN_API_VERSION: { schema: z.enum(['v1', 'v2']), expects: "v1 or v2: the generation of Lean's API to speak (default: v2 when LEAN_CLIENT_ID is set, v1 when only LEAN_APP_TOKEN is)", echo: true },
  LEAN_CLIENT_ID: { schema: z.string().min(1).max(200), expects: 'the OAuth2 client id (application id) from the Lean developer portal', echo: true },
  LEAN_CLIENT_SECRET: { schema: z.string().min(8), expects: 'the OAuth2 client secret from the Lean developer portal', echo: false },
  LEAN_AUTH_URL: { schema: httpUrl, expects: "the base URL of Lean's OAuth2 server (https://…); default from LEAN_ENV and LEAN_REGION", echo: true },
  LEAN_CERT_FILE: { schema: readableFile, expects: "a readable PEM file: the application's certificate for mutual TLS", echo: true },
  LEAN_KEY_FILE: { schema: readableFile, expects: "a readable PEM file: the application's private key for mutual TLS", echo: true },
  LEAN_CA_FILE: { schema: readableFile, expects: "a readable PEM file: Lean's certificate chain", echo: true },
  LEAN_TIMEOUT_MS: { schema: integer(100, 600_000), expects: 'milliseconds per Lean call, an integer between 100 and 600000', echo: true },
  LEAN_MAX_CONCURRENCY: { schema: integer(1, 1000), expects: 'an integer between 1 and 1000 (Lean calls in flight)', echo: true },
  LEAN_MAX_RETRIES: { schema: integer(0, 10), expects: 'an integer between 0 and 10 (retries of a failed read)', echo: true },
  LEAN_WEBHOOK_SECRET: { schema: z.string().min(16), expects: 'the webhook secret from the Lean developer portal (at least 16 characters)', echo: false },
  LEAN_REGION: { schema: z.enum(['UAE', 'KSA']), expects: 'UAE or KSA: the region of the Lean application', echo: true },
  CACHE_TTL_ENTITIES_SECONDS: { schema: integer(0, 31_536_000), expects: 'seconds a customer\'s entity list is served from the cache', echo: true },
  CACHE_TTL_ACCOUNTS_SECONDS: { schema: integer(0, 31_536_000), expects: 'seconds an entity\'s account list is served from the cache', echo: true },
  CACHE_TTL_BALANCE_SECONDS: { schema: integer(0, 31_536_000), expects: 'seconds a balance is served from the cache', echo: true },
  CACHE_TTL_IDENTITY_SECONDS: { schema: integer(0, 31_536_000), expects: 'seconds an identity is served from the cache', echo: true },
  CACHE_TTL_RECENT_TRANSACTIONS_SECONDS: {
    schema: integer(0, 31_536_000),
    expects: 'seconds transactions of a range reaching today are served from the cache',
    echo: true,
  },
  GATEWAY_WEBHOOK_LEASE_SECONDS: {
    schema: integer(1, 3_600),
    expects: 'seconds a webhook being applied stays claimed by one instance (1 to 3600)',
    echo: true,
  },
  GATEWAY_MAX_DEPTH: { schema: integer(1, 100), expects: 'the deepest selection a GraphQL document may nest (1 to 100)', echo: true },
  GATEWAY_MAX_ALIASES: { schema: integer(0, 1_000), expects: 'the most aliases a GraphQL document may use (0 to 1000)', echo: true },
  GATEWAY_MAX_TOKENS: { schema: integer(10, 1_000_000), expects: 'the most lexical tokens a GraphQL document may have (10 to 1000000)', echo: true },
  GATEWAY_MAX_DIRECTIVES: { schema: integer(0, 1_000), expects: 'the most directives a GraphQL document may use (0 to 1000)', echo: true },
  GATEWAY_MAX_COST: { schema: integer(1, 100_000_000), expects: 'the highest cost of a GraphQL document, list sizes weighed (1 to 100000000)', echo: true },
  GATEWAY_MAX_BATCH: { schema: integer(1, 100), expects: 'operations in one batched request (1 turns batching off; at most 100)', echo: true },
  GATEWAY_RATE_LIMIT_PER_SECOND: { schema: decimalOrZero, expects: 'GraphQL requests per second a principal earns (0 turns the limit off)', echo: true },
  GATEWAY_RATE_LIMIT_BURST: { schema: integer(1, 1_000_000), expects: 'the most GraphQL requests a principal may make at once (the bucket size)', echo: true },
  GATEWAY_TRUSTED_DOCUMENTS_FILE: { schema: readableFile, expects: 'a readable persisted-documents manifest (JSON: hash → document)', echo: true },
  GATEWAY_ENCRYPTION_KEY: {
    schema: encryptionKeys,
    expects: 'comma-separated id:key pairs, each key 32 bytes in base64, ids [A-Za-z0-9_-]; the first seals new data',
    echo: false,
  },
  GATEWAY_RESPONSE_CACHE_SECONDS: {
    schema: integer(0, 3_600),
    expects: 'seconds a query answer is kept per principal and document (0 turns the response cache off; at most 3600)',
    echo: true,
  },
  GATEWAY_METRICS_PORT: { schema: integer(0, 65535), expects: 'a port for GET /metrics without credentials (0 picks a free one)', echo: true },
  OTEL_EXPORTER_OTLP_ENDPOINT: { schema: httpUrl, expects: 'the http(s) base URL of an OTLP/HTTP collector (traces go to <url>/v1/traces)', echo: true },
  OTEL_SERVICE_NAME: { schema: z.string().min(1).max(200), expects: 'the service name on exported spans', echo: true },
  LEAN_CIRCUIT_FAILURES: { schema: integer(1, 1_000), expects: 'failed calls in a row to one Lean endpoint that open its circuit (1 to 1000)', echo: true },
  LEAN_CIRCUIT_OPEN_SECONDS: { schema: integer(1, 3_600), expects: 'seconds an open circuit waits before one probe call (1 to 3600)', echo: true },
  LEAN_SANDBOX_PORT: { schema: integer(0, 65535), expects: 'an integer port between 0 and 65535', echo: true },
  LEAN_SANDBOX_HOST: { schema: z.string().min(1), expects: 'a host name or IP address for the emulator to listen on', echo: true },
  LEAN_SANDBOX_SEED: { schema: z.string().min(1).max(200), expects: 'any text (at most 200 characters) that determines the generated data', echo: true },
  LEAN_SANDBOX_WEBHOOK_URL: { schema: httpUrl, expects: 'an http(s) URL that receives the emulator webhooks', echo: true },
  LEAN_SANDBOX_RETRY_SCALE: { schema: decimalNumber, expects: "a positive number multiplying Lean's redelivery schedule", echo: true },
  LEAN_SANDBOX_RESULTS_DELAY_MS: { schema: integer(0, 3_600_000), expects: 'milliseconds before the asynchronous bank sends results.ready', echo: true },
  LEAN_SANDBOX_SESSION_TTL_MS: { schema: integer(1, 86_400_000), expects: 'milliseconds a session of the expiring bank lasts', echo: true },
  LEAN_SANDBOX_STATE_FILE: { schema: z.string().min(1), expects: 'a file path where the emulator keeps its customers and entities', echo: true },
  LEAN_SANDBOX_TOKEN_TTL_SECONDS: { schema: integer(1, 86_400), expects: 'seconds an access token of the emulator lasts (1 to 86400)', echo: true },
  LEAN_SANDBOX_REFRESH_DELAY_MS: { schema: integer(0, 3_600_000), expects: 'milliseconds between the PENDING and FINISHED / OK webhooks of a data refresh', echo: true },
  LEAN_SANDBOX_REFRESH_WEBHOOKS: {
    schema: booleanWord,
    expects: `a boolean (${TRUE_WORDS.join('/')} or ${FALSE_WORDS.join('/')}): whether the emulator sends entity.data.refresh.updated`,
    echo: true,
  },
} as const;

type Variables = typeof variables;
type Parsed = { [K in keyof Variables]?: z.output<Variables[K]['schema']> };

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
  if (problems.length > 0) throw new ConfigError(problems);

  const database: DatabaseConfig =
    parsed.DATABASE_URL !== undefined
      ? {
          kind: 'postgres',
          url: parsed.DATABASE_URL,
          poolMax: parsed.DATABASE_POOL_MAX ?? 10,
          connectTimeoutMs: parsed.DATABASE_CONNECT_TIMEOUT_MS ?? 5_000,
          idleTimeoutMs: parsed.DATABASE_IDLE_TIMEOUT_MS ?? 30_000,
        }
      : { kind: 'pglite', dir: parsed.PGLITE_DIR ?? './.data/pglite' };

  const cache: CacheConfig = {
    entitiesMs: (parsed.CACHE_TTL_ENTITIES_SECONDS ?? 3_600) * 1_000,
    accountsMs: (parsed.CACHE_TTL_ACCOUNTS_SECONDS ?? 3_600) * 1_000,
    balanceMs: (parsed.CACHE_TTL_BALANCE_SECONDS ?? 300) * 1_000,
    identityMs: (parsed.CACHE_TTL_IDENTITY_SECONDS ?? 86_400) * 1_000,
    recentTransactionsMs: (parsed.CACHE_TTL_RECENT_TRANSACTIONS_SECONDS ?? 900) * 1_000,
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
    lean,
    sandbox: readSandboxConfig(parsed),
    cache,
    webhookLeaseMs: (parsed.GATEWAY_WEBHOOK_LEASE_SECONDS ?? 60) * 1_000,
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

/** The emulator's own settings, for `npm run sandbox`: its credentials are the ones a gateway would be given. */
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

function parseVariables(environment: NodeJS.ProcessEnv): Parsed {
  const problems: string[] = [];
  const parsed: Parsed = {};
  for (const name of Object.keys(variables) as (keyof Variables)[]) {
    const raw = environment[name];
    if (raw === undefined || raw.trim() === '') continue; // an empty value counts as unset
    const spec = variables[name];
    const result = spec.schema.safeParse(raw.trim());
    if (result.success) {
      (parsed as Record<string, unknown>)[name] = result.data;
    } else {
      problems.push(`${name}: expected ${spec.expects}${spec.echo ? `, got ${JSON.stringify(raw)}` : ''}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed;
}

function readLeanConfig(parsed: Parsed, production: boolean, problems: string[]): LeanConfig {
  const region = parsed.LEAN_REGION ?? 'UAE';
  const version = parsed.LEAN_API_VERSION ?? (parsed.LEAN_CLIENT_ID !== undefined ? 'v2' : parsed.LEAN_APP_TOKEN !== undefined ? 'v1' : 'v2');
  const hosts = parsed.LEAN_ENV === undefined ? undefined : version === 'v2' ? LEAN_V2_HOSTS[parsed.LEAN_ENV][region].api : LEAN_HOSTS[parsed.LEAN_ENV];
  const baseUrl = (parsed.LEAN_API_URL ?? hosts)?.replace(/\/+$/, '');
  let upstream: LeanConfig['upstream'] = { kind: 'embeddedSandbox', version };
  if (baseUrl !== undefined) {
    // Credentials travel in headers and form bodies: never in clear text to production.
    if (production && !baseUrl.startsWith('https://')) problems.push('LEAN_API_URL: expected an https:// URL in production');
    if (version === 'v1') {
      const appToken = parsed.LEAN_APP_TOKEN;
      if (appToken === undefined) problems.push(`LEAN_APP_TOKEN: expected ${variables.LEAN_APP_TOKEN.expects} (required by Lean's v1 API with LEAN_API_URL or LEAN_ENV)`);
      else upstream = { kind: 'remote', version, baseUrl, appToken };
    } else {
      const authUrl = (parsed.LEAN_AUTH_URL ?? (parsed.LEAN_ENV === undefined ? undefined : LEAN_V2_HOSTS[parsed.LEAN_ENV][region].auth))?.replace(/\/+$/, '');
      const { LEAN_CLIENT_ID: clientId, LEAN_CLIENT_SECRET: clientSecret } = parsed;
      if (clientId === undefined) problems.push(`LEAN_CLIENT_ID: expected ${variables.LEAN_CLIENT_ID.expects} (required by Lean's v2 API)`);
      if (clientSecret === undefined) problems.push(`LEAN_CLIENT_SECRET: expected ${variables.LEAN_CLIENT_SECRET.expects} (required by Lean's v2 API)`);
      if (authUrl === undefined) problems.push(`LEAN_AUTH_URL: expected ${variables.LEAN_AUTH_URL.expects} (required with LEAN_API_URL unless LEAN_ENV names Lean's hosts)`);
      else if (production && !authUrl.startsWith('https://')) problems.push('LEAN_AUTH_URL: expected an https:// URL in production');
      if (clientId !== undefined && clientSecret !== undefined && authUrl !== undefined) {
        upstream = { kind: 'remote', version, baseUrl, authUrl, clientId, clientSecret, appToken: parsed.LEAN_APP_TOKEN ?? clientId };
      }
    }
  } else if (production) {
    problems.push("LEAN_API_URL / LEAN_ENV: production talks to Lean's API, not the embedded emulator; set LEAN_ENV=production (or LEAN_API_URL)");
  }
  const certFile = parsed.LEAN_CERT_FILE;
  const keyFile = parsed.LEAN_KEY_FILE;
  if ((certFile === undefined) !== (keyFile === undefined)) problems.push('LEAN_CERT_FILE / LEAN_KEY_FILE: expected both (mutual TLS) or neither');
  if (production) {
    // Lean's v1 API requires mutual TLS; under v2 it is optional (the bearer token authenticates).
    const required = version === 'v1' ? (['LEAN_CERT_FILE', 'LEAN_KEY_FILE', 'LEAN_CA_FILE', 'LEAN_WEBHOOK_SECRET'] as const) : (['LEAN_WEBHOOK_SECRET'] as const);
    for (const name of required) {
      if (parsed[name] === undefined) problems.push(`${name}: expected ${variables[name].expects} (required in production)`);
    }
  }
  return {
    upstream,
    tls: certFile !== undefined && keyFile !== undefined ? { certFile, keyFile, caFile: parsed.LEAN_CA_FILE } : undefined,
    timeoutMs: parsed.LEAN_TIMEOUT_MS ?? 15_000,
    maxConcurrency: parsed.LEAN_MAX_CONCURRENCY ?? 16,
    maxRetries: parsed.LEAN_MAX_RETRIES ?? 3,
    webhookSecret: parsed.LEAN_WEBHOOK_SECRET,
    region,
    linkSandbox: baseUrl !== LEAN_HOSTS.production && baseUrl !== LEAN_V2_HOSTS.production.UAE.api && baseUrl !== LEAN_V2_HOSTS.production.KSA.api,
    circuit: { failures: parsed.LEAN_CIRCUIT_FAILURES ?? 5, openMs: (parsed.LEAN_CIRCUIT_OPEN_SECONDS ?? 30) * 1_000 },
  };
}

function readRateLimit(parsed: Parsed): Config['rateLimit'] {
  const perSecond = parsed.GATEWAY_RATE_LIMIT_PER_SECOND ?? 20;
  if (perSecond === 0) return undefined;
  return { perSecond, burst: parsed.GATEWAY_RATE_LIMIT_BURST ?? 60 };
}

function readSandboxConfig(parsed: Parsed): SandboxConfig {
  return {
    port: parsed.LEAN_SANDBOX_PORT ?? 4010,
    host: parsed.LEAN_SANDBOX_HOST ?? '127.0.0.1',
    seed: parsed.LEAN_SANDBOX_SEED ?? 'lean-sandbox',
    webhookUrl: parsed.LEAN_SANDBOX_WEBHOOK_URL,
    retryScale: parsed.LEAN_SANDBOX_RETRY_SCALE ?? 1,
    resultsDelayMs: parsed.LEAN_SANDBOX_RESULTS_DELAY_MS ?? 2_000,
    sessionTtlMs: parsed.LEAN_SANDBOX_SESSION_TTL_MS ?? 300_000,
    stateFile: parsed.LEAN_SANDBOX_STATE_FILE,
    tokenTtlMs: (parsed.LEAN_SANDBOX_TOKEN_TTL_SECONDS ?? 3_600) * 1_000,
    refreshDelayMs: parsed.LEAN_SANDBOX_REFRESH_DELAY_MS ?? 200,
    // Off unless asked for: the gateway's own suite counts webhooks and Lean calls exactly (see README).
    refreshWebhooks: parsed.LEAN_SANDBOX_REFRESH_WEBHOOKS ?? false,
  };
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

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname.startsWith('127.');
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

/** The variables this module reads, for documentation checks. */
export const configVariableNames = Object.keys(variables) as readonly string[];
