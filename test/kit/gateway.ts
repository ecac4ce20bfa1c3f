import { spawn, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { startGateway, type Gateway } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { LEAN_TEST_VERSION } from './lean-version.js';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Environment variables that must not leak from the developer's shell into a test gateway. */
const GATEWAY_VARIABLES = /^(PORT|HOST|NODE_ENV|LOG_LEVEL|DATABASE_|PGLITE_DIR|GATEWAY_|LEAN_|OTEL_)/;

export interface TestGateway extends Gateway {
  /** Every log line the gateway wrote, as raw JSON text. */
  readonly logs: string[];
}

/** A gateway in this process on a free port, logging into memory. */
export async function startTestGateway(env: Record<string, string>): Promise<TestGateway> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  // The rate limit is off unless a test sets it: suites fire many requests at once.
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'info',
    LEAN_SANDBOX_PORT: '0',
    GATEWAY_RATE_LIMIT_PER_SECOND: '0',
    GATEWAY_RESPONSE_CACHE_SECONDS: '0',
    ...refreshesOf(env),
    ...versionOf(env),
    // The catch-up run calls Lean at start: off unless a test asks for it, so that call counts stay exact.
    GATEWAY_RECONCILE_MINUTES: '0',
    ...env,
  });
  const gateway = await startGateway(config, createLogger(config.logLevel, sink));
  return { ...gateway, logs };
}

export interface SpawnedGateway {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the base URL once the gateway logs that it is ready. */
  readonly ready: Promise<string>;
  /** Resolves with the exit code (or signal) when the process ends. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The gateway from its sources (`node --import tsx src/main.ts`), in its own process; `npm start` runs the build in dist/ (test/npm-start.test.ts). */
export function spawnGateway(env: Record<string, string>): SpawnedGateway {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !GATEWAY_VARIABLES.test(key)));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: projectRoot,
    env: { ...inherited, NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'info', LEAN_SANDBOX_PORT: '0', GATEWAY_RECONCILE_MINUTES: '0', ...refreshesOf(env), ...versionOf(env), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const ready = new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        stdout.push(line);
        const entry = parseJson(line);
        if (entry?.['msg'] === 'gateway ready' && typeof entry['url'] === 'string') resolve(entry['url']);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
    void exited.then(({ code }) =>
      reject(new Error(`gateway exited (${code}) before it was ready:\n${stderr.join('')}\n${stdout.join('\n')}`)),
    );
  });
  ready.catch(() => undefined); // observed by whoever awaits it
  return { child, stdout, stderr, ready, exited };
}

/** The suite's Lean generation, unless the test chose Lean credentials of its own (which decide the version). */
/**
 * Lean's data-store workflow (refresh webhooks after each link) only where a test asks for it: the
 * others count webhooks, events and Lean calls exactly. Without its webhooks, the link's refresh
 * still finishes in the emulator; it does so at once, so that Lean's store does not move under a
 * test's paged read (the v2 client reads a list again when `refreshed_at` moves between pages).
 */
function refreshesOf(env: Record<string, string>): Record<string, string> {
  return env['LEAN_SANDBOX_REFRESH_WEBHOOKS'] === 'true' ? {} : { LEAN_SANDBOX_REFRESH_WEBHOOKS: 'false', LEAN_SANDBOX_REFRESH_DELAY_MS: '0' };
}

function versionOf(env: Record<string, string>): Record<string, string> {
  const ownCredentials = env['LEAN_CLIENT_ID'] !== undefined || env['LEAN_APP_TOKEN'] !== undefined;
  return ownCredentials ? {} : { LEAN_API_VERSION: LEAN_TEST_VERSION };
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Everything production requires of the Lean side, with real PEM files from a throwaway PKI; the
 * URL points at a port nothing listens on, so a test that reaches Lean by mistake fails loudly.
 */
export async function productionLeanEnv(): Promise<{ env: Record<string, string>; remove(): Promise<void> }> {
  const { createTestPki } = await import('./certificates.js');
  const pki = await createTestPki();
  return {
    env: {
      LEAN_API_URL: 'https://127.0.0.1:9',
      LEAN_APP_TOKEN: 'production-app-token-for-tests',
      LEAN_CERT_FILE: pki.clientCertFile,
      LEAN_KEY_FILE: pki.clientKeyFile,
      LEAN_CA_FILE: pki.caCertFile,
      LEAN_WEBHOOK_SECRET: 'production-webhook-secret-for-tests',
      GATEWAY_ENCRYPTION_KEY: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    },
    remove: () => pki.remove(),
  };
}
