import { accessSync, constants, statSync } from 'node:fs';
import { z } from 'zod';

/** The environment variables the gateway and the emulator read: each one's schema, what it expects, whether it may be echoed. */

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

/** `scheme://host[:port]` exactly as a browser sends it in `Origin`: no path, no trailing slash, no default port. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return ['https:', 'http:'].includes(url.protocol) && url.origin === value;
  } catch {
    return false;
  }
}

const origins = z
  .string()
  .transform((v) => v.split(',').map((origin) => origin.trim()).filter((origin) => origin.length > 0))
  .refine((list) => list.length > 0 && list.every(isOrigin));

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
export const variables = {
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
  GATEWAY_CORS_ORIGINS: {
    schema: origins,
    expects: 'a comma-separated list of exact browser origins, each scheme://host[:port] (e.g. https://app.example), lowercase, no path or trailing slash',
    echo: true,
  },
  GATEWAY_INTROSPECTION: {
    schema: booleanWord,
    expects: `a boolean (${TRUE_WORDS.join('/')} or ${FALSE_WORDS.join('/')})`,
    echo: true,
  },
  GATEWAY_WEB_APP: {
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
  CACHE_TTL_BENEFICIARIES_SECONDS: { schema: integer(0, 31_536_000), expects: "seconds an account's beneficiaries are served from the cache", echo: true },
  CACHE_TTL_DIRECT_DEBITS_SECONDS: { schema: integer(0, 31_536_000), expects: "seconds an account's direct debits are served from the cache", echo: true },
  CACHE_TTL_SCHEDULED_PAYMENTS_SECONDS: { schema: integer(0, 31_536_000), expects: "seconds an account's scheduled payments are served from the cache", echo: true },
  CACHE_TTL_STANDING_ORDERS_SECONDS: { schema: integer(0, 31_536_000), expects: "seconds an account's standing orders are served from the cache", echo: true },
  CACHE_TTL_PARTIES_SECONDS: { schema: integer(0, 31_536_000), expects: "seconds an account's parties are served from the cache", echo: true },
  CACHE_TTL_RECENT_TRANSACTIONS_SECONDS: {
    schema: integer(0, 31_536_000),
    expects: 'seconds transactions of a range reaching today are served from the cache',
    echo: true,
  },
  CACHE_TTL_BANKS_SECONDS: { schema: integer(0, 31_536_000), expects: "seconds Lean's bank catalogue is served from the cache", echo: true },
  GATEWAY_WEBHOOK_LEASE_SECONDS: {
    schema: integer(1, 3_600),
    expects: 'seconds a webhook being applied stays claimed by one instance (1 to 3600)',
    echo: true,
  },
  GATEWAY_WEBHOOK_CONCURRENCY: {
    schema: integer(1, 100),
    expects: 'webhooks an instance applies at once, each of a different entity (1 to 100; below DATABASE_POOL_MAX)',
    echo: true,
  },
  GATEWAY_RECONCILE_MINUTES: {
    schema: decimalOrZero.pipe(z.number().max(10_080)),
    expects: "minutes between two catch-up runs against Lean's entity and refresh lists (decimals allowed; 0 turns them off; at most 10080)",
    echo: true,
  },
  GATEWAY_INBOX_RETENTION_DAYS: {
    schema: integer(1, 3_650),
    expects: 'days applied and ignored webhooks are kept in the inbox (1 to 3650)',
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
  GATEWAY_EVENT_RETENTION_HOURS: {
    schema: decimalNumber.pipe(z.number().max(8_760)),
    expects: 'hours published events are kept for subscribers that resume with a cursor (decimals allowed; at most 8760)',
    echo: true,
  },
  GATEWAY_CONSENT_NOTICE_DAYS: {
    schema: integer(0, 365),
    expects: 'days before a consent ends that consentExpiring is sent (0 to 365)',
    echo: true,
  },
  GATEWAY_CONSENT_CHECK_SECONDS: {
    schema: integer(1, 86_400),
    expects: 'seconds between two looks for consents that end soon or ended (1 to 86400)',
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
export type Parsed = { [K in keyof Variables]?: z.output<Variables[K]['schema']> };

/** Each variable set (an empty value counts as unset), parsed; a ConfigError names every bad one. */
export function parseVariables(environment: NodeJS.ProcessEnv): Parsed {
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

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname.startsWith('127.');
}

/** The variables this module reads, for documentation checks. */
export const configVariableNames = Object.keys(variables) as readonly string[];
