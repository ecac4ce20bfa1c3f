import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.js';
import { applyControlCors, isControlPath } from './cors.js';
import { LINK_PAGE_PATH, serveLinkPage } from './link-page.js';
import { jsonText } from './money.js';
import { DEFAULT_SANDBOX_CLIENT_ID, DEFAULT_SANDBOX_CLIENT_SECRET, DEFAULT_TOKEN_TTL_MS, TokenIssuer } from './oauth.js';
import { sandboxOpenApi } from './openapi.js';
import { invalidParameters, leanError, type SandboxAnswer } from './records.js';
import { route, type Route } from './routes.js';
import { SandboxState } from './state.js';
import { bankCatalogueRoutes } from './bank-catalogue.js';
import { customerRoutes, v1DataRoutes } from './v1.js';
import { entityListRoutes } from './v2-entity-list.js';
import { v2DataRoutes } from './v2.js';
import { v2RefreshRoutes } from './v2-refreshes.js';
import { WebhookSender, type WebhookDelivery } from './webhook-sender.js';

const MAX_BODY_BYTES = 1024 * 1024;
/** How long Lean takes to read a bank into its store after a link or a refresh request, unless told. */
export const DEFAULT_REFRESH_DELAY_MS = 200;

export interface SandboxOptions {
  readonly port: number;
  readonly host: string;
  readonly seed: string;
  readonly appToken: string;
  readonly webhookSecret: string;
  /** Read at send time; undefined keeps webhooks in the log only. */
  readonly webhookUrl: () => string | undefined;
  readonly retryScale: number;
  readonly resultsDelayMs: number;
  readonly sessionTtlMs: number;
  readonly stateFile: string | undefined;
  /** v2's OAuth2 client credentials; default DEFAULT_SANDBOX_CLIENT_ID / DEFAULT_SANDBOX_CLIENT_SECRET. */
  readonly clientId?: string | undefined;
  readonly clientSecret?: string | undefined;
  /** How long a v2 access token lasts; default DEFAULT_TOKEN_TTL_MS (an hour, `expires_in: 3599`). */
  readonly tokenTtlMs?: number | undefined;
  /** Between a refresh's PENDING and FINISHED / OK webhooks; default DEFAULT_REFRESH_DELAY_MS. */
  readonly refreshDelayMs?: number | undefined;
  /** False: refreshes happen and are answered, but no `entity.data.refresh.updated` is sent; default true. */
  readonly refreshWebhooks?: boolean | undefined;
  readonly log: Logger;
  /** HTTPS with client certificates required, as Lean's production API does. */
  readonly tls?: { readonly key: string; readonly cert: string; readonly ca: string } | undefined;
}

export interface RunningSandbox {
  readonly url: string;
  readonly state: SandboxState;
  readonly webhooks: readonly WebhookDelivery[];
  close(): Promise<void>;
}

/**
 * A rule of the fault API: the next `remaining` calls whose path starts with `path` (or whose route
 * template is `endpoint`, e.g. `GET /data/v2/accounts/{account_id}/balances`) fail or slow down.
 */
interface Fault {
  readonly endpoint: string | undefined;
  readonly path: string | undefined;
  readonly status: number | undefined;
  readonly latencyMs: number;
  readonly retryAfterSeconds: number | undefined;
  /** Close the connection without answering: a network error for the client. */
  readonly drop: boolean;
  remaining: number;
}

/** Starts the emulator of Lean's v1 and v2 APIs with its control API (`/sandbox/*`) and `/openapi.json`. */
export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const sender = new WebhookSender({ url: options.webhookUrl, secret: options.webhookSecret, retryScale: options.retryScale, log: options.log });
  const state = new SandboxState({
    seed: options.seed,
    resultsDelayMs: options.resultsDelayMs,
    sessionTtlMs: options.sessionTtlMs,
    stateFile: options.stateFile,
    webhooks: sender,
    refreshDelayMs: options.refreshDelayMs ?? DEFAULT_REFRESH_DELAY_MS,
    refreshWebhooks: options.refreshWebhooks ?? true,
  });
  const tokens = new TokenIssuer({
    clientId: options.clientId ?? DEFAULT_SANDBOX_CLIENT_ID,
    clientSecret: options.clientSecret ?? DEFAULT_SANDBOX_CLIENT_SECRET,
    ttlMs: options.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS,
    now: state.now,
    customerExists: (customerId) => state.customer(customerId) !== undefined,
  });
  // Cancels fault latencies on close, so a slowed call cannot run (and change state) afterwards.
  const closing = new AbortController();
  let faults: Fault[] = [];
  const stats = new Map<string, number>();
  const inFlight = { now: 0, max: 0 };

  const lean: Route[] = [
    route('POST', /^\/oauth2\/token\/?$/, 'POST /oauth2/token', 'none', ({ body, headers }) => tokens.grant(body as URLSearchParams, headers.authorization), 'form'),
    ...entityListRoutes(state),
    ...customerRoutes(state),
    ...bankCatalogueRoutes((bank) => state.bankAvailability(bank)),
    ...v1DataRoutes(state),
    ...v2DataRoutes(state),
    ...v2RefreshRoutes(state),
  ];

  const control: Route[] = [
    route('GET', /^\/openapi\.json$/, 'GET /openapi.json', 'none', () => ({ status: 200, body: sandboxOpenApi() })),
    route('POST', /^\/sandbox\/connect\/?$/, 'POST /sandbox/connect', 'none', ({ body }) => linkTokenRefusal(body) ?? state.connect(body)),
    route('POST', /^\/sandbox\/entities\/([^/]+)\/expire-session\/?$/, 'POST /sandbox/entities/{entity_id}/expire-session', 'none', ({ params: [id] }) => state.expireSession(id ?? '')),
    route('POST', /^\/sandbox\/entities\/([^/]+)\/revoke-consent\/?$/, 'POST /sandbox/entities/{entity_id}/revoke-consent', 'none', ({ params: [id] }) => state.revokeConsent(id ?? '')),
    route('POST', /^\/sandbox\/entities\/([^/]+)\/consent\/?$/, 'POST /sandbox/entities/{entity_id}/consent', 'none', ({ params: [id], body }) => state.moveConsentEnd(id ?? '', body)),
    route('POST', /^\/sandbox\/reconnect\/([^/]+)\/?$/, 'POST /sandbox/reconnect/{reconnect_id}', 'none', ({ params: [id] }) => state.reconnect(id ?? '')),
    route('POST', /^\/sandbox\/banks\/([^/]+)\/availability\/?$/, 'POST /sandbox/banks/{identifier}/availability', 'none', ({ params: [id], body }) =>
      state.setBankAvailability(id ?? '', body),
    ),
    route('POST', /^\/sandbox\/faults\/?$/, 'POST /sandbox/faults', 'none', ({ body }) => {
      const fault = readFault(body);
      if (typeof fault === 'string') return invalidParameters('faults', fault);
      faults.push(fault);
      return { status: 201, body: { faults: faults.map(describeFault) } };
    }),
    route('DELETE', /^\/sandbox\/faults\/?$/, 'DELETE /sandbox/faults', 'none', () => {
      faults = [];
      return { status: 200, body: { faults: [] } };
    }),
    route('GET', /^\/sandbox\/stats\/?$/, 'GET /sandbox/stats', 'none', () => ({ status: 200, body: statsBody(stats, inFlight.max) })),
    route('DELETE', /^\/sandbox\/stats\/?$/, 'DELETE /sandbox/stats', 'none', () => {
      stats.clear();
      inFlight.max = inFlight.now;
      return { status: 200, body: statsBody(stats, inFlight.max) };
    }),
    route('GET', /^\/sandbox\/webhooks\/?$/, 'GET /sandbox/webhooks', 'none', () => ({
      status: 200,
      body: { webhooks: sender.deliveries.map(({ body, ...rest }) => ({ ...rest, body: JSON.parse(body) as unknown })) },
    })),
  ];

  /** v2's Link SDK authenticates with the customer's token (`access_token`): one of this customer, never an api token. v1's needs none. */
  const linkTokenRefusal = (body: unknown): SandboxAnswer | undefined => {
    const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    if (fields['access_token'] === undefined) return undefined;
    const bearer = tokens.check(typeof fields['access_token'] === 'string' ? `Bearer ${fields['access_token']}` : undefined);
    if (bearer.kind === 'invalid') return leanError(401, 'INVALID_TOKEN', 'The access token is missing, expired or not valid.');
    if (bearer.grant.scope !== 'customer' || bearer.grant.customerId !== fields['customer_id']) {
      return leanError(403, 'INSUFFICIENT_SCOPE', 'The Link SDK needs the access token of this customer (scope customer.<customer_id>).');
    }
    return undefined;
  };

  const expectedToken = Buffer.from(options.appToken);
  const appTokenValid = (req: IncomingMessage): boolean => {
    const presented = req.headers['lean-app-token'];
    if (typeof presented !== 'string') return false;
    const candidate = Buffer.from(presented);
    return candidate.length === expectedToken.length && timingSafeEqual(candidate, expectedToken);
  };
  /** The refusal of a Lean call its credentials do not allow, or undefined when they do. */
  const refusal = (req: IncomingMessage, auth: Route['auth']): SandboxAnswer | undefined => {
    const authorization = req.headers.authorization;
    if (req.headers['lean-app-token'] !== undefined && authorization !== undefined) {
      return leanError(400, 'INVALID_PARAMETERS', "Do not supply a 'lean-app-token' header when providing an 'Authorization' header");
    }
    if (auth === 'none') return undefined;
    if (auth === 'appToken' || (auth === 'appOrApiToken' && authorization === undefined)) {
      return appTokenValid(req) ? undefined : leanError(401, 'INVALID_TOKEN', 'The lean-app-token header is missing or not valid.');
    }
    const bearer = tokens.check(authorization);
    if (bearer.kind === 'invalid') return leanError(401, 'INVALID_TOKEN', 'The access token is missing, expired or not valid.');
    // A customer token is for the Link SDK: it carries no data.read (nor customer.write).
    if (bearer.grant.scope !== 'api') return leanError(403, 'INSUFFICIENT_SCOPE', 'This call needs an access token with scope api; a customer token is for the Link SDK only.');
    return undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    if (isControlPath(path) && applyControlCors(req, res)) return;
    if (method === 'GET' && path === LINK_PAGE_PATH) return serveLinkPage(res);
    const controlRoute = control.find((r) => r.method === method && r.pattern.test(path));
    const leanRoute = controlRoute === undefined ? lean.find((r) => r.method === method && r.pattern.test(path)) : undefined;
    const matched = controlRoute ?? leanRoute;
    if (matched === undefined) return send(res, leanError(404, 'NOT_FOUND', `No route ${method} ${path}.`));

    const refused = leanRoute === undefined ? undefined : refusal(req, leanRoute.auth);
    if (refused !== undefined) return send(res, refused);
    let body: unknown;
    try {
      body = await readBody(req, matched.body);
    } catch (error) {
      const problem = (error as Error).message;
      if (problem === 'not a form') return send(res, invalidParameters('content-type', req.headers['content-type'] ?? 'none (send application/x-www-form-urlencoded)'));
      if (problem !== 'too large') return send(res, invalidParameters('body', 'not JSON'));
      // The rest of the body is never read, so this connection cannot carry another request.
      res.setHeader('connection', 'close');
      return send(res, leanError(413, 'PAYLOAD_TOO_LARGE', 'The request body exceeds 1 MiB.'));
    }
    if (leanRoute !== undefined) {
      stats.set(leanRoute.endpoint, (stats.get(leanRoute.endpoint) ?? 0) + 1);
      inFlight.now += 1;
      inFlight.max = Math.max(inFlight.max, inFlight.now);
      res.once('close', () => {
        inFlight.now -= 1;
      });
      const fault = faults.find(
        (f) => f.remaining > 0 && (f.path === undefined || path.startsWith(f.path)) && (f.endpoint === undefined || f.endpoint === leanRoute.endpoint),
      );
      if (fault !== undefined) {
        fault.remaining -= 1;
        faults = faults.filter((f) => f.remaining > 0);
        if (fault.latencyMs > 0) {
          const slept = await sleep(fault.latencyMs, true, { signal: closing.signal }).catch(() => false);
          if (!slept) {
            req.socket.destroy();
            return;
          }
        }
        if (fault.drop) {
          req.socket.destroy();
          return;
        }
        if (fault.status !== undefined) {
          if (fault.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(fault.retryAfterSeconds));
          // v2's data errors carry a results_id (Lean's samples); v1's injected ones never did.
          const resultsId = path.startsWith('/data/v2/') ? randomUUID() : undefined;
          return send(res, leanError(fault.status, faultStatus(fault.status), 'Injected by the sandbox fault API.', resultsId));
        }
      }
    }
    let params: string[];
    try {
      params = matched.pattern.exec(path)?.slice(1).map((p) => decodeURIComponent(p)) ?? [];
    } catch {
      return send(res, invalidParameters('path', 'a malformed percent-escape'));
    }
    const url = new URL(req.url ?? '/', 'http://sandbox');
    send(res, await matched.handler({ params, query: url.searchParams, body, headers: req.headers }));
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      options.log.error({ err: error }, 'sandbox route failed');
      if (!res.headersSent) send(res, leanError(500, 'INTERNAL_SERVER_ERROR', 'Something has gone wrong. If you continue to see this error, please get in touch with Lean.'));
    });
  };
  const server: Server =
    options.tls === undefined
      ? createHttpServer(listener)
      : createHttpsServer({ key: options.tls.key, cert: options.tls.cert, ca: options.tls.ca, requestCert: true, rejectUnauthorized: true }, listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`,
    state,
    webhooks: sender.deliveries,
    close: async () => {
      closing.abort();
      sender.close();
      state.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readFault(body: unknown): Fault | string {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const { path, endpoint, status, latency_ms: latency, count, retry_after_s: retryAfter, drop } = fields;
  if (path !== undefined && typeof path !== 'string') return 'path must be a string';
  if (endpoint !== undefined && typeof endpoint !== 'string') return 'endpoint must be a string (a route template such as GET /data/v2/accounts)';
  if (status !== undefined && (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599)) return 'status must be 400–599';
  if (latency !== undefined && (typeof latency !== 'number' || latency < 0 || latency > 120_000)) return 'latency_ms must be 0–120000';
  if (count !== undefined && (typeof count !== 'number' || !Number.isInteger(count) || count < 1)) return 'count must be a positive integer';
  if (retryAfter !== undefined && (typeof retryAfter !== 'number' || !Number.isInteger(retryAfter) || retryAfter < 0)) return 'retry_after_s must be a non-negative integer';
  if (drop !== undefined && typeof drop !== 'boolean') return 'drop must be a boolean';
  if (status === undefined && latency === undefined && drop !== true) return 'give status, latency_ms or drop';
  return { path, endpoint, status, latencyMs: latency ?? 0, retryAfterSeconds: retryAfter, drop: drop === true, remaining: count ?? 1 };
}

function describeFault(fault: Fault) {
  return { path: fault.path ?? null, endpoint: fault.endpoint ?? null, status: fault.status ?? null, latency_ms: fault.latencyMs, drop: fault.drop, remaining: fault.remaining };
}

function faultStatus(status: number): string {
  if (status === 429) return 'TOO_MANY_REQUESTS';
  if (status === 400) return 'INVALID_PARAMETERS';
  if (status === 503) return 'SERVICE_UNAVAILABLE';
  if (status >= 500) return 'INTERNAL_SERVER_ERROR';
  return 'INJECTED_FAULT';
}

function statsBody(stats: Map<string, number>, maxInFlight: number) {
  return {
    calls: Object.fromEntries([...stats].sort(([a], [b]) => a.localeCompare(b))),
    total: [...stats.values()].reduce((a, b) => a + b, 0),
    max_in_flight: maxInFlight,
  };
}

/** A JSON body (undefined when empty), or a form as URLSearchParams; throws `too large`, `not a form` or a JSON error. */
async function readBody(req: IncomingMessage, kind: Route['body']): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (kind === 'form') {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') throw new Error('not a form');
    return new URLSearchParams(text);
  }
  return text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
}

function send(res: ServerResponse, answer: SandboxAnswer): void {
  if (answer.body === undefined) {
    res.writeHead(answer.status, { 'content-length': 0 });
    res.end();
    return;
  }
  const text = jsonText(answer.body);
  res.writeHead(answer.status, { ...answer.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
