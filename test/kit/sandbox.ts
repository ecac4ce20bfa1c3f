import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { LeanApi } from '../../src/lean/api.js';
import type { LeanTransportOptions } from '../../src/lean/transport.js';
import { createLogger } from '../../src/log.js';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../src/sandbox/server.js';
import { createLeanApi } from '../../src/upstream.js';

export const TEST_APP_TOKEN = 'test-app-token-0123456789';
export const TEST_WEBHOOK_SECRET = 'test-webhook-secret-0123456789';
export const TEST_CLIENT_ID = 'test-client-id';
export const TEST_CLIENT_SECRET = 'test-client-secret-0123456789';

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
  /** A v2 access token from `POST /oauth2/token` (scope `api` unless told). */
  token(scope?: string): Promise<string>;
  /** Calls Lean's v2 API with a bearer token of scope `api` (one, fetched once), as the gateway's v2 client would. */
  v2(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown; text: string }>;
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
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    refreshDelayMs: 50,
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
  const token = async (scope = 'api') => {
    const response = await fetch(`${sandbox.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET, grant_type: 'client_credentials', scope }),
    });
    const answer = (await response.json()) as { access_token?: string };
    if (answer.access_token === undefined) throw new Error(`no token: ${response.status} ${JSON.stringify(answer)}`);
    return answer.access_token;
  };
  let apiToken: Promise<string> | undefined;
  return {
    sandbox,
    url: sandbox.url,
    token,
    v2: async (method, path, body, headers) => {
      apiToken ??= token();
      return call(method, path, body, { authorization: `Bearer ${await apiToken}`, ...headers });
    },
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

/** Lean's reference material beside the repository (`../shared/lean-reference/postman`), read at test time. */
export const POSTMAN_DIR = fileURLToPath(new URL('../../../shared/lean-reference/postman/', import.meta.url));

type PostmanItem = { name: string; item?: PostmanItem[]; response?: { code?: number; body?: string }[] };
const collections = new Map<string, PostmanItem[]>();

/** The saved example body of Lean's Postman request `requestName` answering `code`, in the KSA or UAE collection. */
export function postmanExample(region: 'KSA' | 'UAE', requestName: string, code = 200): unknown {
  const file = region === 'KSA' ? 'KSA/LeanAPI-KSA.postman_collection.json' : 'UAE/Lean-API-UAE.postman_collection.json';
  let items = collections.get(file);
  if (items === undefined) {
    items = (JSON.parse(readFileSync(`${POSTMAN_DIR}${file}`, 'utf8')) as { item: PostmanItem[] }).item;
    collections.set(file, items);
  }
  const found: unknown[] = [];
  const walk = (list: PostmanItem[]) => {
    for (const item of list) {
      if (item.item !== undefined) walk(item.item);
      else if (item.name === requestName) for (const response of item.response ?? []) if (response.code === code && response.body) found.push(JSON.parse(response.body));
    }
  };
  walk(items);
  if (found[0] === undefined) throw new Error(`no ${code} example of "${requestName}" in Lean's ${region} collection`);
  return found[0];
}

/** A webhook body Lean's collections keep under `Webhooks/`. */
export function postmanWebhook(region: 'KSA' | 'UAE', type: string): unknown {
  return JSON.parse(readFileSync(`${POSTMAN_DIR}${region}/Webhooks/${type}.json`, 'utf8')) as unknown;
}
