import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ConfigError, configVariableNames, loadConfig } from '../src/config.js';
import { projectRoot, spawnGateway } from './kit/gateway.js';

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
    const config = loadConfig({ NODE_ENV: 'production', GATEWAY_API_KEYS: KEY });
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
