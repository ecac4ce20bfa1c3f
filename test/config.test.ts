import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, configVariableNames, loadConfig } from '../src/config.js';
import { productionLeanEnv, projectRoot, spawnGateway } from './kit/gateway.js';

const KEY = 'k'.repeat(40);
const SECRET = 's'.repeat(40);

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

let production: Awaited<ReturnType<typeof productionLeanEnv>>;
beforeAll(async () => {
  production = await productionLeanEnv();
});
afterAll(async () => {
  await production?.remove();
});

describe('configuration', () => {
  it('starts with defaults from an empty environment: port 4000 on localhost, embedded Postgres, introspection on', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({ port: 4000, host: '127.0.0.1' });
    expect(config.database).toEqual({ kind: 'pglite', dir: './.data/pglite' });
    expect(config.introspection).toBe(true);
    expect(config.auth.developmentPrincipal).toBe(true);
    expect(config.logLevel).toBe('info');
  });

  it('reads a Postgres server with its pool settings when DATABASE_URL is set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/gw', DATABASE_POOL_MAX: '20' });
    expect(config.database).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@db:5432/gw',
      poolMax: 20,
      connectTimeoutMs: 5000,
      idleTimeoutMs: 30000,
    });
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).http.port).toBe(4000);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT: expected an integer port between 0 and 65535, got "abc"'],
    [{ PORT: '70000' }, 'PORT: expected an integer port'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV: expected one of development, test, production'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: expected one of fatal, error, warn'],
    [{ DATABASE_URL: 'mysql://db/gw' }, 'DATABASE_URL: expected a postgres:// or postgresql:// connection URL'],
    [{ DATABASE_POOL_MAX: '0' }, 'DATABASE_POOL_MAX: expected an integer between 1 and 1000'],
    [{ GATEWAY_INTROSPECTION: 'maybe' }, 'GATEWAY_INTROSPECTION: expected a boolean'],
    [{ GATEWAY_API_KEYS: 'short' }, 'GATEWAY_API_KEYS: expected a comma-separated list of API keys, each at least 32 characters'],
    [{ GATEWAY_JWT_SECRET: 'short' }, 'GATEWAY_JWT_SECRET: expected an HS256 secret of at least 32 bytes'],
    [{ GATEWAY_JWKS_URL: 'http://keys.example.com/jwks.json' }, 'GATEWAY_JWKS_URL: expected an https:// URL'],
    [{ GATEWAY_JWT_SECRET: SECRET }, 'GATEWAY_JWT_ISSUER: expected'],
    [{ GATEWAY_JWT_SECRET: SECRET, GATEWAY_JWKS_URL: 'https://k/jwks', GATEWAY_JWT_ISSUER: 'i', GATEWAY_JWT_AUDIENCE: 'a' }, 'expected one of the two, not both'],
    [{ GATEWAY_JWT_ISSUER: 'i' }, 'GATEWAY_JWT_ISSUER / GATEWAY_JWT_AUDIENCE: set only together with'],
    [{ NODE_ENV: 'production' }, 'production needs at least one way to authenticate callers'],
  ])('refuses %j, naming the variable and what it expects', (env, expected) => {
    expect(problemsOf(env).join('\n')).toContain(expected);
  });

  it('without LEAN_API_URL or LEAN_ENV uses the embedded emulator, in development only', () => {
    expect(loadConfig({}).lean.upstream).toEqual({ kind: 'embeddedSandbox', version: 'v2' });
    expect(loadConfig({ LEAN_API_VERSION: 'v1' }).lean.upstream).toEqual({ kind: 'embeddedSandbox', version: 'v1' });
    expect(loadConfig({}).sandbox).toMatchObject({ port: 4010, host: '127.0.0.1', seed: 'lean-sandbox' });
    const { LEAN_API_URL: _url, ...withoutUrl } = production.env;
    expect(problemsOf({ NODE_ENV: 'production', GATEWAY_API_KEYS: KEY, ...withoutUrl }).join('\n')).toContain(
      "LEAN_API_URL / LEAN_ENV: production talks to Lean's API",
    );
  });

  it("maps LEAN_ENV to Lean's hosts; LEAN_API_URL overrides it", () => {
    expect(loadConfig({ LEAN_ENV: 'sandbox', LEAN_APP_TOKEN: 'token-123456' }).lean.upstream).toEqual({
      kind: 'remote',
      version: 'v1',
      baseUrl: 'https://sandbox.leantech.me',
      appToken: 'token-123456',
    });
    expect(loadConfig({ LEAN_ENV: 'production', LEAN_API_URL: 'http://127.0.0.1:4010/', LEAN_APP_TOKEN: 'token-123456' }).lean.upstream).toMatchObject({
      baseUrl: 'http://127.0.0.1:4010',
    });
    expect(problemsOf({ LEAN_ENV: 'sandbox', LEAN_API_VERSION: 'v1' }).join('\n')).toContain('LEAN_APP_TOKEN: expected');
  });

  it("speaks v2 when LEAN_CLIENT_ID is set (or asked for), with Lean's v2 hosts per region", () => {
    const v2 = { LEAN_CLIENT_ID: 'client-1', LEAN_CLIENT_SECRET: 'secret-123456' };
    expect(loadConfig({ LEAN_ENV: 'sandbox', LEAN_REGION: 'KSA', ...v2 }).lean.upstream).toEqual({
      kind: 'remote',
      version: 'v2',
      baseUrl: 'https://sandbox.sa.leantech.me',
      authUrl: 'https://auth.sandbox.sa.leantech.me',
      clientId: 'client-1',
      clientSecret: 'secret-123456',
      appToken: 'client-1',
    });
    expect(loadConfig({ LEAN_ENV: 'production', ...v2, LEAN_APP_TOKEN: 'app-token-1' }).lean.upstream).toMatchObject({
      baseUrl: 'https://api2.leantech.me',
      authUrl: 'https://auth.leantech.me',
      appToken: 'app-token-1',
    });
    // Both credentials set: LEAN_API_VERSION decides.
    expect(loadConfig({ LEAN_ENV: 'sandbox', ...v2, LEAN_APP_TOKEN: 'app-token-1', LEAN_API_VERSION: 'v1' }).lean.upstream).toMatchObject({ version: 'v1' });
    const missing = problemsOf({ LEAN_API_URL: 'http://127.0.0.1:4010' }).join('\n');
    expect(missing).toContain('LEAN_CLIENT_ID: expected');
    expect(missing).toContain('LEAN_CLIENT_SECRET: expected');
    expect(missing).toContain('LEAN_AUTH_URL: expected');
    expect(missing).not.toContain('secret-123456');
  });

  it('production under v2 needs client id, secret, https URLs, webhook secret and encryption key, but not mutual TLS', () => {
    const base = {
      NODE_ENV: 'production',
      GATEWAY_API_KEYS: KEY,
      LEAN_API_URL: 'https://api2.leantech.me',
      LEAN_AUTH_URL: 'https://auth.leantech.me',
      LEAN_CLIENT_ID: 'client-1',
      LEAN_CLIENT_SECRET: 'secret-123456',
      LEAN_WEBHOOK_SECRET: 'production-webhook-secret-for-tests',
      GATEWAY_ENCRYPTION_KEY: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    };
    expect(loadConfig(base).lean.upstream).toMatchObject({ kind: 'remote', version: 'v2' });
    for (const name of ['LEAN_CLIENT_ID', 'LEAN_CLIENT_SECRET', 'LEAN_WEBHOOK_SECRET', 'GATEWAY_ENCRYPTION_KEY'] as const) {
      const { [name]: _dropped, ...without } = base;
      expect(problemsOf(without).join('\n')).toContain(`${name}: expected`);
    }
    expect(problemsOf({ ...base, LEAN_AUTH_URL: 'http://auth.internal' }).join('\n')).toContain('LEAN_AUTH_URL: expected an https:// URL in production');
  });

  it.each(['LEAN_CERT_FILE', 'LEAN_KEY_FILE', 'LEAN_CA_FILE', 'LEAN_WEBHOOK_SECRET', 'GATEWAY_ENCRYPTION_KEY'])('production refuses to start without %s', (name) => {
    const env: Record<string, string> = { NODE_ENV: 'production', GATEWAY_API_KEYS: KEY, ...production.env };
    delete env[name];
    expect(problemsOf(env).join('\n')).toContain(`${name}: expected`);
  });

  it('production refuses a Lean URL without TLS', () => {
    expect(problemsOf({ NODE_ENV: 'production', GATEWAY_API_KEYS: KEY, ...production.env, LEAN_API_URL: 'http://lean.internal' }).join('\n')).toContain(
      'LEAN_API_URL: expected an https:// URL in production',
    );
  });

  it('refuses a certificate path that is a folder', () => {
    expect(problemsOf({ LEAN_CERT_FILE: '/tmp', LEAN_KEY_FILE: '/tmp' }).join('\n')).toContain('LEAN_CERT_FILE: expected a readable PEM file');
  });

  it('refuses a certificate file that cannot be read, and a certificate without its key', () => {
    expect(problemsOf({ LEAN_CERT_FILE: '/nonexistent/cert.pem' }).join('\n')).toContain('LEAN_CERT_FILE: expected a readable PEM file');
    expect(problemsOf({ LEAN_CERT_FILE: production.env['LEAN_CERT_FILE'] ?? '' }).join('\n')).toContain('LEAN_CERT_FILE / LEAN_KEY_FILE: expected both');
  });

  it('reads encryption keys as id:base64 pairs, the first sealing, and never echoes them', () => {
    const k1 = Buffer.alloc(32, 1).toString('base64');
    const k2 = Buffer.alloc(32, 2).toString('base64');
    const config = loadConfig({ GATEWAY_ENCRYPTION_KEY: `k2:${k2}, k1:${k1}` });
    expect(config.encryption.current).toBe('k2');
    expect([...config.encryption.keys.keys()]).toEqual(['k2', 'k1']);
    expect(config.encryption.developmentKey).toBe(false);
    expect(loadConfig({}).encryption.developmentKey).toBe(true);
    for (const bad of [`k1:${Buffer.alloc(16).toString('base64')}`, k1, `k1:${k1},k1:${k2}`, `bad id:${k1}`, ',']) {
      const text = problemsOf({ GATEWAY_ENCRYPTION_KEY: bad }).join('\n');
      expect(text).toContain('GATEWAY_ENCRYPTION_KEY: expected');
      expect(text).not.toContain(k1.slice(0, 12));
    }
  });

  it('has query limits, a rate limit and a circuit breaker with defaults, each settable', () => {
    const config = loadConfig({});
    expect(config.limits).toEqual({ maxDepth: 10, maxAliases: 30, maxTokens: 2000, maxDirectives: 10, maxCost: 50000, maxBatch: 1 });
    expect(config.rateLimit).toEqual({ perSecond: 20, burst: 60 });
    expect(config.lean.circuit).toEqual({ failures: 5, openMs: 30_000 });
    expect(loadConfig({ GATEWAY_RATE_LIMIT_PER_SECOND: '0' }).rateLimit).toBeUndefined();
    expect(loadConfig({ GATEWAY_RATE_LIMIT_PER_SECOND: '0.5', GATEWAY_RATE_LIMIT_BURST: '3' }).rateLimit).toEqual({ perSecond: 0.5, burst: 3 });
    expect(problemsOf({ GATEWAY_MAX_DEPTH: '0', GATEWAY_MAX_BATCH: '1000' })).toHaveLength(2);
  });

  it('lists every bad variable at once', () => {
    expect(problemsOf({ PORT: 'x', LOG_LEVEL: 'y' })).toHaveLength(2);
  });

  it('never echoes a secret value back in its message', () => {
    const leaked = 'postgres-password-in-url';
    const text = problemsOf({ GATEWAY_API_KEYS: 'too-short-key', DATABASE_URL: `mysql://u:${leaked}@h/db`, GATEWAY_JWT_SECRET: 'tiny' }).join('\n');
    expect(text).not.toContain('too-short-key');
    expect(text).not.toContain(leaked);
    expect(text).not.toContain('tiny');
  });

  it('in production listens on every interface and uses no development principal', () => {
    const config = loadConfig({ NODE_ENV: 'production', GATEWAY_API_KEYS: KEY, ...production.env });
    expect(config.http.host).toBe('0.0.0.0');
    expect(config.auth.developmentPrincipal).toBe(false);
    expect(config.auth.apiKeys).toEqual([KEY]);
  });

  it('`PORT=abc npm start` exits non-zero and names PORT', async () => {
    const gateway = spawnGateway({ PORT: 'abc' });
    const { code } = await gateway.exited;
    expect(code).toBe(1);
    expect(gateway.stderr.join('')).toContain('PORT: expected an integer port');
  });

  it('refuses to start in production without any way to authenticate callers', async () => {
    const gateway = spawnGateway({ NODE_ENV: 'production' });
    const { code } = await gateway.exited;
    expect(code).toBe(1);
    expect(gateway.stderr.join('')).toContain('production needs at least one way to authenticate callers');
  });

  it('is documented: the README table and .env.example list every variable the gateway reads', async () => {
    const readme = await readFile(`${projectRoot}/README.md`, 'utf8');
    const example = await readFile(`${projectRoot}/.env.example`, 'utf8');
    for (const name of configVariableNames) {
      expect(readme, `README.md row for ${name}`).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
      expect(example, `.env.example line for ${name}`).toMatch(new RegExp(`^${name}=`, 'm'));
    }
  });
});
