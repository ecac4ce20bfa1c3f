import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse as parseLosslessJson } from 'lossless-json';
import pLimit, { type LimitFunction } from 'p-limit';
import { Agent, errors as undiciErrors, request } from 'undici';
import type { Logger } from '../log.js';
import { recordLeanAttempt } from '../observability/tracing.js';
import { CircuitOpen, EndpointCircuits, type CircuitSettings } from './circuits.js';
import { LeanApiError, LeanUnavailableError } from '../model/upstream-errors.js';
import { CALL_SCOPED_429_STATUSES, leanErrorBody } from './error-body.js';
import { RateLimitPause } from './rate-pause.js';

/** Where a Lean call's bearer token comes from (v2: OAuth2 client credentials, see `oauth-token.ts`). */
export interface BearerTokenSource {
  /** A token for API calls, shared by concurrent callers and reused until shortly before it expires. */
  token(): Promise<string>;
  /** Lean answered 401 to `token`: the next `token()` fetches a new one, unless another caller already did. */
  invalidate(token: string): void;
}

/**
 * How calls authenticate: v1 sends the application token as `lean-app-token`; v2 sends
 * `Authorization: Bearer <token>` and never `lean-app-token` beside it (Lean refuses the pair).
 */
export type LeanAuth = { readonly kind: 'appToken'; readonly token: string } | { readonly kind: 'bearer'; readonly tokens: BearerTokenSource };

export interface LeanTransportOptions {
  readonly baseUrl: string;
  /** v1's application token; shorthand for `auth: { kind: 'appToken', token }`. Give this or `auth`, not both. */
  readonly appToken?: string | undefined;
  readonly auth?: LeanAuth | undefined;
  /** PEM contents for mutual TLS: the application's certificate and key, Lean's chain as CA. */
  readonly tls?: { readonly cert: string; readonly key: string; readonly ca?: string | undefined } | undefined;
  readonly timeoutMs: number;
  readonly maxConcurrency: number;
  readonly maxRetries: number;
  readonly log: Logger;
  /** First backoff step; doubles per attempt, with jitter. */
  readonly retryBaseMs?: number;
  /** No single wait is longer than this, `Retry-After` and a rate-limit pause included. */
  readonly retryMaxMs?: number;
  /** The circuit breaker of each endpoint; 5 failed calls in a row open it for 30 s unless set. */
  readonly circuit?: CircuitSettings | undefined;
  /** Told of every attempt and every call refused unsent (metrics). */
  readonly observer?: LeanCallObserver | undefined;
  /** A counter shared with the token source, so token requests are counted beside the calls; one of its own (told `observer`) unless set. */
  readonly calls?: LeanCallCounter | undefined;
}

/** Sees each HTTP attempt with its duration, and each call refused without sending. */
export interface LeanCallObserver {
  attempted(endpoint: string, outcome: string, seconds: number): void;
  refused(endpoint: string, reason: 'circuit_open' | 'rate_limit_pause'): void;
}

/** A 429 without Retry-After pauses calls at least this long. */
const MIN_RATE_LIMIT_PAUSE_MS = 1_000;
/** A Retry-After longer than this is taken as this: a bogus header must not silence Lean for hours. */
const MAX_RATE_LIMIT_PAUSE_MS = 5 * 60_000;

export interface LeanCall {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** The concrete path, ids already encoded. */
  readonly path: string;
  /** Appended to `path` as a query string (v2 reads: `entity_id`, `page`, `size` …). */
  readonly query?: Readonly<Record<string, string | number | boolean>> | undefined;
  /** The route template, e.g. `POST /v1/transactions`, for counters and logs (no ids, no query). */
  readonly endpoint: string;
  readonly body?: unknown;
  /** Reads are retried on network errors, 429 and 5xx; writes never blindly. */
  readonly retry: boolean;
  /**
   * `lossless`: every JSON number in the answer arrives as a `LosslessNumber` holding the number's
   * exact text (`10.0` stays `10.0`), for money; `json` (default): `JSON.parse`.
   */
  readonly parse?: 'json' | 'lossless' | undefined;
  /** Classifies a 2xx body for the counters (`ok`, `pending`, …). */
  readonly outcomeOf?: (body: unknown) => string;
}

/** What authenticates one attempt; kept out of every log line, error and span. */
type Credential = { readonly header: 'lean-app-token'; readonly value: string } | { readonly header: 'authorization'; readonly value: string };

export interface LeanAnswer {
  readonly httpStatus: number;
  readonly body: unknown;
  readonly correlationId: string;
}

/** Upstream calls by endpoint and outcome, each HTTP attempt counted once. */
export class LeanCallCounter {
  private readonly counts = new Map<string, number>();
  constructor(private readonly observer?: LeanCallObserver) {}
  record(endpoint: string, outcome: string, seconds = 0): void {
    const key = `${endpoint}\u0000${outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.observer?.attempted(endpoint, outcome, seconds);
  }
  /** A call refused without sending: not an attempt (not counted here), only observed. */
  refused(endpoint: string, reason: 'circuit_open' | 'rate_limit_pause'): void {
    this.observer?.refused(endpoint, reason);
  }
  /** Calls to an endpoint (all outcomes), or to an endpoint with one outcome. */
  count(endpoint?: string, outcome?: string): number {
    let total = 0;
    for (const [key, value] of this.counts) {
      const [e, o] = key.split('\u0000');
      if ((endpoint === undefined || e === endpoint) && (outcome === undefined || o === outcome)) total += value;
    }
    return total;
  }
  snapshot(): { endpoint: string; outcome: string; count: number }[] {
    return [...this.counts].map(([key, count]) => {
      const [endpoint = '', outcome = ''] = key.split('\u0000');
      return { endpoint, outcome, count };
    });
  }
}

/**
 * HTTP to Lean: keep-alive, mutual TLS, per-call timeout, bounded concurrency, retries for reads, a
 * circuit breaker per endpoint, a pause of every call after Lean answers 429, and either
 * generation's authentication (v1 app token, v2 bearer with one renewal after a 401).
 */
export class LeanTransport {
  readonly calls: LeanCallCounter;
  private readonly auth: LeanAuth;
  private readonly agent: Agent;
  private readonly limit: LimitFunction;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly circuits: EndpointCircuits;
  private readonly pause: RateLimitPause;

  constructor(private readonly options: LeanTransportOptions) {
    if (options.appToken !== undefined && options.auth !== undefined) throw new Error('LeanTransport: give appToken or auth, not both');
    const auth = options.auth ?? (options.appToken === undefined ? undefined : ({ kind: 'appToken', token: options.appToken } as const));
    if (auth === undefined) throw new Error('LeanTransport: appToken or auth is required');
    this.auth = auth;
    this.calls = options.calls ?? new LeanCallCounter(options.observer);
    this.agent = new Agent({
      keepAliveTimeout: 30_000,
      connections: options.maxConcurrency,
      connect: options.tls === undefined ? {} : { cert: options.tls.cert, key: options.tls.key, ...(options.tls.ca !== undefined && { ca: options.tls.ca }) },
    });
    this.limit = pLimit(options.maxConcurrency);
    this.retryBaseMs = options.retryBaseMs ?? 200;
    this.retryMaxMs = options.retryMaxMs ?? 10_000;
    this.circuits = new EndpointCircuits(options.circuit ?? { failures: 5, openMs: 30_000 }, options.log);
    this.pause = new RateLimitPause(options.log);
  }

  async send(call: LeanCall): Promise<LeanAnswer> {
    const correlationId = randomUUID(); // one id for the call and all its retries, so Lean can join them
    const tally = { attempts: 0 };
    if (this.auth.kind === 'appToken') return this.throughCircuit(call, correlationId, { header: 'lean-app-token', value: this.auth.token }, tally);
    const { tokens } = this.auth;
    const token = await tokens.token();
    try {
      return await this.throughCircuit(call, correlationId, bearer(token), tally);
    } catch (error) {
      if (!(error instanceof LeanApiError && error.httpStatus === 401)) throw error;
      // The token was refused (revoked, or expired early). Lean did nothing with the call, so even a
      // write is sent once more, with a new token, outside the retry budget; a second 401 stands.
      tokens.invalidate(token);
      return this.throughCircuit(call, correlationId, bearer(await tokens.token()), tally);
    }
  }

  private async throughCircuit(call: LeanCall, correlationId: string, credential: Credential, tally: { attempts: number }): Promise<LeanAnswer> {
    try {
      // A call counts against its endpoint's circuit once, after its retries.
      return await this.circuits.run(call.endpoint, correlationId, (probe) => this.attempts(call, correlationId, probe, credential, tally));
    } catch (error) {
      if (!(error instanceof CircuitOpen)) throw error;
      this.calls.refused(call.endpoint, 'circuit_open');
      throw new LeanUnavailableError({ reason: 'circuit_open', correlationId, endpoint: call.endpoint, retryAfterMs: error.retryAfterMs, safeToRetry: call.retry });
    }
  }

  /** One call with its retries; the half-open probe is a single attempt, so a failing Lean sees one request. */
  private async attempts(call: LeanCall, correlationId: string, probe: boolean, credential: Credential, tally: { attempts: number }): Promise<LeanAnswer> {
    const attempts = call.retry && !probe ? this.options.maxRetries + 1 : 1;
    for (let retry = 1; ; retry++) {
      const attempt = ++tally.attempts; // numbered across a renewal after 401, so the log shows every request
      let started = performance.now();
      const logAttempt = (outcome: string, httpStatus?: number) => {
        const ms = performance.now() - started;
        this.calls.record(call.endpoint, outcome, ms / 1_000);
        recordLeanAttempt(call, correlationId, attempt, outcome, httpStatus, started);
        const line = { lean: { endpoint: call.endpoint, correlationId, attempt, outcome, httpStatus, ms: Math.round(ms) } };
        if (outcome === 'network_error' || outcome === 'timeout' || (httpStatus ?? 0) >= 500) this.options.log.warn(line, 'lean call failed');
        else this.options.log.info(line, 'lean call');
      };
      let answer: { status: number; text: string; retryAfter: string | undefined };
      try {
        await this.waitOutPause(call, correlationId);
        answer = await this.limit(async () => {
          // A pause may have begun while this call queued for a connection.
          await this.waitOutPause(call, correlationId);
          started = performance.now();
          return this.exchange(call, correlationId, credential);
        });
      } catch (error) {
        if (error instanceof LeanUnavailableError) throw error; // paused: nothing was sent
        const reason = isTimeout(error) ? 'timeout' : 'network';
        logAttempt(reason === 'timeout' ? 'timeout' : 'network_error');
        if (retry < attempts) {
          await sleep(this.backoff(retry));
          continue;
        }
        throw new LeanUnavailableError({ reason, correlationId, endpoint: call.endpoint, cause: error, safeToRetry: call.retry });
      }

      const body = parseBody(answer.text, call.parse ?? 'json');
      if (answer.status >= 200 && answer.status < 300) {
        logAttempt(call.outcomeOf?.(body) ?? 'ok', answer.status);
        return { httpStatus: answer.status, body, correlationId };
      }
      const parsedError = leanErrorBody.safeParse(body);
      const leanStatus = parsedError.success ? parsedError.data.status : `HTTP_${answer.status}`;
      // A 429 such as DUPLICATED_REQUEST answers this call only: it is not Lean limiting the application.
      const rateLimited = answer.status === 429 && !CALL_SCOPED_429_STATUSES.has(leanStatus);
      logAttempt(rateLimited ? 'rate_limited' : `http_${answer.status}`, answer.status);
      const retryAfterMs = parseRetryAfter(answer.retryAfter);
      const error = new LeanApiError({
        leanStatus,
        httpStatus: answer.status,
        correlationId,
        endpoint: call.endpoint,
        leanMessage: parsedError.success ? (parsedError.data.message ?? undefined) : undefined,
        retryAfterMs,
        safeToRetry: call.retry && (answer.status !== 429 || rateLimited),
      });
      const wait = retryAfterMs ?? (rateLimited ? Math.max(MIN_RATE_LIMIT_PAUSE_MS, this.backoff(retry)) : this.backoff(retry));
      // Lean limits the application, not one call: every call waits out the pause, this one included.
      if (rateLimited) this.pause.begin(Math.min(wait, MAX_RATE_LIMIT_PAUSE_MS), call.endpoint, correlationId);
      // A Retry-After longer than we would ever wait is Lean asking us to stop for now.
      if (error.retryable && retry < attempts && wait <= this.retryMaxMs) {
        if (!rateLimited) await sleep(wait);
        continue;
      }
      throw error;
    }
  }

  /** Waits out a rate-limit pause that ends within `retryMaxMs`; a longer one fails the call at once, unsent. */
  private async waitOutPause(call: LeanCall, correlationId: string): Promise<void> {
    const remaining = await this.pause.waitOut(this.retryMaxMs);
    if (remaining !== undefined) {
      this.calls.refused(call.endpoint, 'rate_limit_pause');
      throw new LeanUnavailableError({ reason: 'rate_limited', correlationId, endpoint: call.endpoint, retryAfterMs: remaining, safeToRetry: call.retry });
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private async exchange(call: LeanCall, correlationId: string, credential: Credential) {
    const query = call.query === undefined ? '' : new URLSearchParams(Object.entries(call.query).map(([key, value]) => [key, String(value)])).toString();
    const response = await request(`${this.options.baseUrl}${call.path}${query === '' ? '' : `?${query}`}`, {
      method: call.method,
      dispatcher: this.agent,
      signal: AbortSignal.timeout(this.options.timeoutMs),
      headers: {
        // Exactly one of lean-app-token (v1) or authorization (v2).
        [credential.header]: credential.value,
        'lean-correlation-id': correlationId,
        accept: 'application/json',
        ...(call.body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(call.body !== undefined && { body: JSON.stringify(call.body) }),
    });
    const retryAfter = response.headers['retry-after'];
    return {
      status: response.statusCode,
      text: await response.body.text(),
      retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
    };
  }

  /** Exponential backoff with full jitter: a random wait in [base·2^(n-1)/2, base·2^(n-1)]. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }
}

const bearer = (token: string): Credential => ({ header: 'authorization', value: `Bearer ${token}` });

/** The answer's JSON: null when empty, undefined when not JSON. */
function parseBody(text: string, mode: 'json' | 'lossless'): unknown {
  if (text.trim() === '') return null;
  try {
    // Lossless: numbers stay as their text; a repeated key keeps its last value, as JSON.parse does.
    return mode === 'lossless' ? parseLosslessJson(text, null, { onDuplicateKey: ({ newValue }) => newValue }) : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `Retry-After` as delta-seconds or an HTTP date, in milliseconds. */
export function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,6}$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only an HTTP date (IMF-fixdate); anything else falls back to our own backoff.
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export function isTimeout(error: unknown): boolean {
  return (
    (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) ||
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError
  );
}
