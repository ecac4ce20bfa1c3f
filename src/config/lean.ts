import type { LeanConfig, SandboxConfig } from '../config.js';
import { variables, type Parsed } from './variables.js';

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

/** Which Lean to talk to and how: the generation, its hosts per LEAN_ENV and LEAN_REGION, credentials, mutual TLS. */
export function readLeanConfig(parsed: Parsed, production: boolean, problems: string[]): LeanConfig {
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

/** The emulator's settings, embedded or on its own (`npm run sandbox`). */
export function readSandboxConfig(parsed: Parsed): SandboxConfig {
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
    refreshWebhooks: parsed.LEAN_SANDBOX_REFRESH_WEBHOOKS ?? true,
  };
}
