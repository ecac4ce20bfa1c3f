import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit, { type LimitFunction } from 'p-limit';
import { Agent, errors as undiciErrors, request } from 'undici';
import type { Logger } from '../log.js';
import { recordLeanAttempt } from '../observability/tracing.js';
import { CircuitOpen, EndpointCircuits, type CircuitSettings } from './circuits.js';
import { LeanApiError, LeanUnavailableError } from '../model/upstream-errors.js';
import { RateLimitPause } from './rate-pause.js';
import { errorBody } from './wire.js';

export interface LeanTransportOptions {
  readonly baseUrl: string;
  readonly appToken: string;
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
  /** The route template, e.g. `POST /v1/transactions`, for counters and logs (no ids). */
  readonly endpoint: string;
  readonly body?: unknown;
  /** Reads are retried on network errors, 429 and 5xx; writes never blindly. */
  readonly retry: boolean;
  /** Classifies a 2xx body for the counters (`ok`, `pending`, …). */
  readonly outcomeOf?: (body: unknown) => string;
}

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
 * circuit breaker per endpoint, and a pause of every call after Lean answers 429.
 */
export class LeanTransport {
  readonly calls: LeanCallCounter;
  private readonly agent: Agent;
  private readonly limit: LimitFunction;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly circuits: EndpointCircuits;
  private readonly pause: RateLimitPause;

  constructor(private readonly options: LeanTransportOptions) {
    this.calls = new LeanCallCounter(options.observer);
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
    try {
      // A call counts against its endpoint's circuit once, after its retries.
      return await this.circuits.run(call.endpoint, correlationId, (probe) => this.attempts(call, correlationId, probe));
    } catch (error) {
      if (!(error instanceof CircuitOpen)) throw error;
      this.calls.refused(call.endpoint, 'circuit_open');
      throw new LeanUnavailableError({ reason: 'circuit_open', correlationId, endpoint: call.endpoint, retryAfterMs: error.retryAfterMs, safeToRetry: call.retry });
    }
  }

  /** One call with its retries; the half-open probe is a single attempt, so a failing Lean sees one request. */
  private async attempts(call: LeanCall, correlationId: string, probe: boolean): Promise<LeanAnswer> {
    const attempts = call.retry && !probe ? this.options.maxRetries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
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
          return this.exchange(call, correlationId);
        });
      } catch (error) {
        if (error instanceof LeanUnavailableError) throw error; // paused: nothing was sent
        const reason = isTimeout(error) ? 'timeout' : 'network';
        logAttempt(reason === 'timeout' ? 'timeout' : 'network_error');
        if (attempt < attempts) {
          await sleep(this.backoff(attempt));
          continue;
        }
        throw new LeanUnavailableError({ reason, correlationId, endpoint: call.endpoint, cause: error, safeToRetry: call.retry });
      }

      const body = parseJson(answer.text);
      if (answer.status >= 200 && answer.status < 300) {
        logAttempt(call.outcomeOf?.(body) ?? 'ok', answer.status);
        return { httpStatus: answer.status, body, correlationId };
      }
      const parsedError = errorBody.safeParse(body);
      const leanStatus = parsedError.success ? parsedError.data.status : `HTTP_${answer.status}`;
      logAttempt(answer.status === 429 ? 'rate_limited' : `http_${answer.status}`, answer.status);
      const retryAfterMs = parseRetryAfter(answer.retryAfter);
      const error = new LeanApiError({
        leanStatus,
        httpStatus: answer.status,
        correlationId,
        endpoint: call.endpoint,
        leanMessage: parsedError.success ? (parsedError.data.message ?? undefined) : undefined,
        retryAfterMs,
        safeToRetry: call.retry,
      });
      const wait = retryAfterMs ?? (answer.status === 429 ? Math.max(MIN_RATE_LIMIT_PAUSE_MS, this.backoff(attempt)) : this.backoff(attempt));
      // Lean limits the application, not one call: every call waits out the pause, this one included.
      if (answer.status === 429) this.pause.begin(Math.min(wait, MAX_RATE_LIMIT_PAUSE_MS), call.endpoint, correlationId);
      // A Retry-After longer than we would ever wait is Lean asking us to stop for now.
      if (error.retryable && attempt < attempts && wait <= this.retryMaxMs) {
        if (answer.status !== 429) await sleep(wait);
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

  private async exchange(call: LeanCall, correlationId: string) {
    const response = await request(`${this.options.baseUrl}${call.path}`, {
      method: call.method,
      dispatcher: this.agent,
      signal: AbortSignal.timeout(this.options.timeoutMs),
      headers: {
        'lean-app-token': this.options.appToken,
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

function parseJson(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
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

function isTimeout(error: unknown): boolean {
  return (
    (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) ||
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError
  );
}
