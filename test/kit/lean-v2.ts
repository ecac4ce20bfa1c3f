import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createLeanV2Client, type LeanV2Client, type LeanV2Settings } from '../../src/lean/v2/client.js';
import { createLogger } from '../../src/log.js';

/**
 * Lean's v2 as tests meet it: an HTTP server on a free port that plays Lean's auth server and API
 * with the bodies of Lean's own Postman collections (read from `shared/lean-reference/postman/`,
 * beside the repository), and counts what it was sent.
 */

export const POSTMAN_DIR = fileURLToPath(new URL('../../../shared/lean-reference/postman/', import.meta.url));
const COLLECTIONS = { KSA: 'KSA/LeanAPI-KSA.postman_collection.json', UAE: 'UAE/Lean-API-UAE.postman_collection.json' } as const;
export type Region = keyof typeof COLLECTIONS;

interface PostmanItem {
  readonly name: string;
  readonly item?: readonly PostmanItem[];
  readonly response?: readonly { readonly name: string; readonly code: number; readonly body: string }[];
}

const collections = new Map<Region, PostmanItem>();

/** The raw text of a saved example response (numbers exactly as Lean wrote them): request name and HTTP status. */
export function postmanSample(region: Region, requestName: string, code = 200): string {
  let collection = collections.get(region);
  if (collection === undefined) {
    collection = JSON.parse(readFileSync(`${POSTMAN_DIR}${COLLECTIONS[region]}`, 'utf8')) as PostmanItem;
    collections.set(region, collection);
  }
  const found: string[] = [];
  const walk = (items: readonly PostmanItem[]) => {
    for (const item of items) {
      if (item.item) walk(item.item);
      else if (item.name === requestName) found.push(...(item.response ?? []).filter((response) => response.code === code).map((response) => response.body));
    }
  };
  walk(collection.item ?? []);
  const [body] = found;
  if (body === undefined) throw new Error(`no ${code} example for "${requestName}" in the ${region} collection`);
  return body;
}

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Reply {
  readonly status?: number;
  /** Sent as is (a Postman sample's text keeps `10.0` as written). */
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

type Handler = (request: SeenRequest) => Reply | Promise<Reply>;

export interface LeanV2Double {
  /** Lean's API. */
  readonly url: string;
  /** Lean's auth server (`/oauth2/token` below it). */
  readonly authUrl: string;
  readonly clientId: string;
  /** Every token request, in order. */
  readonly tokenRequests: SeenRequest[];
  /** Every request to the API, in order. */
  readonly apiRequests: SeenRequest[];
  /** Every access token issued so far. */
  readonly issued: string[];
  /** Lifetime of the tokens issued from now on, seconds (Lean: 3599). */
  expiresIn: number;
  /** The secret the auth server accepts. */
  acceptedSecret: string;
  /** Answers the next token requests with this status (and an OAuth2 error body) while `count` lasts. */
  failTokenRequests(status: number, count: number): void;
  /** Every token issued so far is refused (401) from now on, as after a key rotation. */
  revokeIssued(): void;
  /** Each token is refused as soon as it is issued: no token ever works. */
  refuseEveryToken: boolean;
  /** The `scope` the token answers name, whatever was asked (a misbehaving auth server). */
  answerScope: string | undefined;
  answer(method: string, path: string | RegExp, handler: Handler): void;
  close(): Promise<void>;
}

export const CLIENT_ID = 'lean-client-id-for-tests';
export const CLIENT_SECRET = 'lean-client-secret-9f7c2d1e';

const json = (status: number, body: unknown): Reply => ({ status, body: JSON.stringify(body) });

/** Lean's answer to a call that sends both headers (v2.md §1.3, the Insights "Cashflows" 400 example). */
const BOTH_HEADERS = json(400, {
  status: 'INVALID_PARAMETERS',
  message: "Do not supply a 'lean-app-token' header when providing an 'Authorization' header",
  timestamp: '2026-05-10T12:00:00Z',
  metadata: null,
});

export async function startLeanV2Double(): Promise<LeanV2Double> {
  const routes: { method: string; path: string | RegExp; handler: Handler }[] = [];
  const tokens = new Map<string, { scope: string; expiresAt: number; revoked: boolean }>();
  let tokenFailures: { status: number; count: number } | undefined;
  let serial = 0;

  const double: Omit<LeanV2Double, 'url' | 'authUrl' | 'close'> = {
    clientId: CLIENT_ID,
    tokenRequests: [],
    apiRequests: [],
    issued: [],
    expiresIn: 3599,
    acceptedSecret: CLIENT_SECRET,
    refuseEveryToken: false,
    answerScope: undefined,
    failTokenRequests(status, count) {
      tokenFailures = { status, count };
    },
    revokeIssued() {
      for (const token of tokens.values()) token.revoked = true;
    },
    answer(method, path, handler) {
      routes.unshift({ method, path, handler });
    },
  };

  const issueToken = (seen: SeenRequest): Reply => {
    double.tokenRequests.push(seen);
    const form = new URLSearchParams(seen.body);
    if (tokenFailures !== undefined && tokenFailures.count > 0) {
      tokenFailures.count--;
      return json(tokenFailures.status, { error: tokenFailures.status >= 500 ? 'temporarily_unavailable' : 'invalid_request' });
    }
    if (seen.headers['content-type'] !== 'application/x-www-form-urlencoded' || form.get('grant_type') !== 'client_credentials') return json(400, { error: 'unsupported_grant_type' });
    if (form.get('client_id') !== double.clientId || form.get('client_secret') !== double.acceptedSecret) return json(401, { error: 'invalid_client' });
    const scope = form.get('scope') ?? '';
    if (scope !== 'api' && !/^customer\.[0-9a-f-]{36}$/.test(scope)) return json(400, { error: 'invalid_scope' });
    const accessToken = `eyJ.test-token-${++serial}.${Math.random().toString(36).slice(2)}`;
    tokens.set(accessToken, { scope, expiresAt: Date.now() + double.expiresIn * 1000, revoked: double.refuseEveryToken });
    double.issued.push(accessToken);
    return json(200, { access_token: accessToken, scope: double.answerScope ?? scope, token_type: 'Bearer', expires_in: double.expiresIn });
  };

  const serveApi = async (seen: SeenRequest): Promise<Reply> => {
    double.apiRequests.push(seen);
    const authorization = seen.headers.authorization;
    if (authorization !== undefined && seen.headers['lean-app-token'] !== undefined) return BOTH_HEADERS;
    const token = authorization?.startsWith('Bearer ') ? tokens.get(authorization.slice('Bearer '.length)) : undefined;
    if (token === undefined || token.revoked || token.expiresAt <= Date.now() || token.scope !== 'api') {
      return json(401, { status: 'UNAUTHORIZED', message: 'The access token is missing, expired or revoked', timestamp: new Date().toISOString(), metadata: null });
    }
    const route = routes.find((r) => r.method === seen.method && (typeof r.path === 'string' ? r.path === seen.path : r.path.test(seen.path)));
    if (route === undefined) return json(404, { status: 'NOT_FOUND', message: 'no such route in the test double', timestamp: new Date().toISOString(), metadata: null });
    return route.handler(seen);
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://double');
      const seen: SeenRequest = { method: request.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      const reply = url.pathname === '/auth/oauth2/token' && seen.method === 'POST' ? Promise.resolve(issueToken(seen)) : serveApi(seen);
      void reply.then(
        ({ status = 200, body = '', headers = {} }) => {
          response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
        },
        () => response.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(double, {
    url,
    authUrl: `${url}/auth`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** A v2 client of the double as production builds it, logging into `logs` (raw JSON lines). */
export function v2ClientOf(double: LeanV2Double, settings: Partial<LeanV2Settings> = {}): { lean: LeanV2Client; logs: string[] } {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const lean = createLeanV2Client({
    baseUrl: double.url,
    authUrl: double.authUrl,
    clientId: double.clientId,
    clientSecret: CLIENT_SECRET,
    timeoutMs: 5_000,
    maxConcurrency: 16,
    maxRetries: 2,
    retryBaseMs: 5,
    retryMaxMs: 200,
    log: createLogger('debug', sink),
    ...settings,
  });
  return { lean, logs };
}

/** Lean's envelope around one page of a list, as the Postman samples show it. */
export function envelope(type: string, listKey: string, itemsJson: string[], page: { number: number; size: number; totalElements: number; totalPages: number }, refreshedAt = '2026-05-10T12:32:54.746Z'): string {
  return `{"status":"OK","results_id":"5574d136-0000-4000-8000-000000000000","message":"Data successfully retrieved","meta":null,"timestamp":"2026-05-10T12:34:28.510038424Z","status_detail":null,"refreshed_at":"${refreshedAt}","type":"${type}","data":{"type":"${type}","${listKey}":[${itemsJson.join(',')}],"page":{"number":${page.number},"size":${page.size},"total_elements":${page.totalElements},"total_pages":${page.totalPages},"sort":null}}}`;
}
