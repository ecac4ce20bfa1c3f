import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { LeanApi } from '../../src/lean/api.js';
import type { LeanTransportOptions } from '../../src/lean/transport.js';
import { createLogger } from '../../src/log.js';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../src/sandbox/server.js';
import { createLeanApi } from '../../src/upstream.js';

export const TEST_APP_TOKEN = 'test-app-token-0123456789';
export const TEST_WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

export interface TestSandbox {
  readonly sandbox: RunningSandbox;
  readonly url: string;
  /** A client of the emulator as production would build it, with fast retries. */
  readonly lean: LeanApi;
  /** The client's log lines, raw JSON. */
  readonly clientLogs: string[];
  /** Calls the control API (`/sandbox/*`) and answers the parsed JSON body. */
  control<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Calls Lean's API directly, as curl would. */
  raw(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown; text: string }>;
  close(): Promise<void>;
}

export async function startTestSandbox(
  options: Partial<SandboxOptions> = {},
  client: Partial<Omit<LeanTransportOptions, 'baseUrl' | 'log'>> = {},
): Promise<TestSandbox> {
  const sandbox = await startSandbox({
    port: 0,
    host: '127.0.0.1',
    seed: 'test-seed',
    appToken: TEST_APP_TOKEN,
    webhookSecret: TEST_WEBHOOK_SECRET,
    webhookUrl: () => undefined,
    retryScale: 1,
    resultsDelayMs: 50,
    sessionTtlMs: 60_000,
    stateFile: undefined,
    log: createLogger('silent'),
    ...options,
  });
  const clientLogs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      clientLogs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const lean = createLeanApi(
    'v1',
    { baseUrl: sandbox.url, appToken: TEST_APP_TOKEN },
    { timeoutMs: 5_000, maxConcurrency: 8, maxRetries: 3, retryBaseMs: 10, retryMaxMs: 2_000, log: createLogger('info', sink), ...client },
  );
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, text, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  };
  return {
    sandbox,
    url: sandbox.url,
    lean,
    clientLogs,
    control: async <T,>(method: string, path: string, body?: unknown) => {
      const answer = await call(method, path, body);
      return { status: answer.status, body: answer.body as T };
    },
    raw: (method, path, body, headers) => call(method, path, body, { 'lean-app-token': TEST_APP_TOKEN, ...headers }),
    close: async () => {
      await lean.close();
      await sandbox.close();
    },
  };
}

export interface ReceivedWebhook {
  readonly body: string;
  readonly signature: string | undefined;
}

/** A webhook endpoint that answers each delivery with the next status of `statuses` (then 200). */
export async function startWebhookReceiver(statuses: number[] = []): Promise<{ url: string; received: ReceivedWebhook[]; close(): Promise<void> }> {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const signature = req.headers['lean-signature'];
      received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: typeof signature === 'string' ? signature : undefined });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/lean`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Waits until `check` holds, polling; fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
