import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { z } from 'zod';
import type { Logger } from '../log.js';
import { LeanApiError, LeanAuthError, LeanProtocolError, LeanUnavailableError } from '../model/upstream-errors.js';
import { recordLeanAttempt } from '../observability/tracing.js';
import { isTimeout, parseRetryAfter, type BearerTokenSource, type LeanCallCounter } from './transport.js';

/** The counter and log name of every token request, whatever its scope. */
export const TOKEN_ENDPOINT = 'POST /oauth2/token';

export interface OAuthTokenSourceOptions {
  /** Lean's OAuth2 server, e.g. `https://auth.sandbox.sa.leantech.me`; `/oauth2/token` is appended. */
  readonly authUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly timeoutMs: number;
  /** Network errors, 429 and 5xx of the token server are retried this many times. */
  readonly maxRetries: number;
  /** First backoff step; doubles per attempt, with jitter. */
  readonly retryBaseMs?: number | undefined;
  readonly retryMaxMs?: number | undefined;
  readonly log: Logger;
  /** The transport's counter: token requests are counted (and observed) as `POST /oauth2/token`. */
  readonly calls: LeanCallCounter;
  /** Mutual TLS towards the auth server, when the application uses it. */
  readonly tls?: { readonly cert: string; readonly key: string; readonly ca?: string | undefined } | undefined;
  /** The clock tokens are timed by (tests move it); `Date.now` unless set. */
  readonly now?: (() => number) | undefined;
}

/** A customer-scoped token for `Lean.connect({ access_token })`: it carries no `data.read`. */
export interface CustomerAccessToken {
  readonly accessToken: string;
  readonly expiresAt: Date;
}

/** Lean's token answer; no refresh token comes with it. */
const tokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((type) => type.toLowerCase() === 'bearer', 'not a bearer token'),
  expires_in: z.number().int().positive(),
  scope: z.string().nullish(),
});

/** An OAuth2 error body (RFC 6749 §5.2); only a code-shaped `error` is kept, never the description. */
const oauthErrorBody = z.object({ error: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/) });

/** A token is renewed once less than this much of its lifetime is left … */
const RENEW_BEFORE_MS = 60_000;
/** … or less than this share of it, for short-lived tokens (the smaller margin wins). */
const RENEW_BEFORE_SHARE = 0.1;

interface HeldToken {
  readonly token: string;
  /** After this, `token()` fetches a new one. */
  readonly renewAt: number;
  readonly expiresAt: number;
}

/** A held token this close to its end is not used while the auth server is unreachable. */
const LAST_USE_BEFORE_EXPIRY_MS = 5_000;
/** After a renewal failed and the held token was kept, the next renewal is tried this much later, not on every call. */
const RENEW_AGAIN_AFTER_MS = 5_000;

interface Issued {
  readonly correlationId: string;
  readonly accessToken: string;
  readonly scope: string | undefined;
  /** When the token stops being valid, counted from when it was asked for. */
  readonly expiresAt: number;
  readonly lifetimeMs: number;
}

/**
 * Lean v2's OAuth2 client credentials (`POST {authUrl}/oauth2/token`): one `scope=api` token per
 * process, shared by every call and renewed shortly before it expires. Concurrent callers share one
 * request (single flight), and a token Lean refused (401) is renewed once, however many calls saw
 * the refusal. Neither the secret nor a token is ever logged, traced or put in an error.
 */
export class OAuthTokenSource implements BearerTokenSource {
  private held: HeldToken | undefined;
  private inFlight: Promise<string> | undefined;
  private readonly agent: Agent;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly now: () => number;

  constructor(private readonly options: OAuthTokenSourceOptions) {
    this.now = options.now ?? Date.now;
    this.agent = new Agent({
      keepAliveTimeout: 30_000,
      connect: options.tls === undefined ? {} : { cert: options.tls.cert, key: options.tls.key, ...(options.tls.ca !== undefined && { ca: options.tls.ca }) },
    });
    this.retryBaseMs = options.retryBaseMs ?? 200;
    this.retryMaxMs = options.retryMaxMs ?? 10_000;
  }

  token(): Promise<string> {
    const held = this.held;
    if (held !== undefined && this.now() < held.renewAt) return Promise.resolve(held.token);
    this.inFlight ??= this.renew().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  invalidate(token: string): void {
    // Only the token that was refused: one fetched since (by another caller's renewal) stands.
    if (this.held?.token === token) this.held = undefined;
  }

  /**
   * A fresh token scoped to one customer (`scope=customer.<id>`) for the Link SDK; not cached, so
   * each link starts with a token's full lifetime.
   */
  async customerToken(customerId: string): Promise<CustomerAccessToken> {
    const scope = `customer.${customerId}`;
    const issued = await this.request(scope, 'customer');
    // This token goes to a browser: one that could read data (scope api) must never be handed out.
    const granted = issued.scope?.split(/\s+/) ?? [scope];
    if (!granted.includes(scope) || granted.includes('api')) {
      throw new LeanProtocolError({ correlationId: issued.correlationId, endpoint: TOKEN_ENDPOINT, problem: 'the customer token was not issued for the customer scope asked for' });
    }
    return { accessToken: issued.accessToken, expiresAt: new Date(issued.expiresAt) };
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private async renew(): Promise<string> {
    let issued: Issued;
    try {
      issued = await this.request('api', 'api');
    } catch (error) {
      // Renewing early and the auth server is down: the token held is still good for a while.
      const held = this.held;
      const lastUse = held === undefined ? 0 : held.expiresAt - LAST_USE_BEFORE_EXPIRY_MS;
      if (!(error instanceof LeanUnavailableError) || held === undefined || this.now() >= lastUse) throw error;
      this.options.log.warn({ lean: { endpoint: TOKEN_ENDPOINT, outcome: 'token_kept', validForMs: held.expiresAt - this.now() } }, 'lean token not renewed: the auth server is unavailable; the current token is used until it nearly expires');
      this.held = { ...held, renewAt: Math.min(lastUse, this.now() + RENEW_AGAIN_AFTER_MS) };
      return held.token;
    }
    const margin = Math.min(RENEW_BEFORE_MS, issued.lifetimeMs * RENEW_BEFORE_SHARE);
    this.held = { token: issued.accessToken, renewAt: issued.expiresAt - margin, expiresAt: issued.expiresAt };
    return issued.accessToken;
  }

  /** One token request with its retries (network errors, 429, 5xx); a refusal is final. */
  private async request(scope: string, scopeKind: 'api' | 'customer'): Promise<Issued> {
    const correlationId = randomUUID();
    const attempts = this.options.maxRetries + 1;
    const call = { method: 'POST', endpoint: TOKEN_ENDPOINT } as const;
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      const sentAt = this.now();
      const logAttempt = (outcome: string, httpStatus?: number) => {
        const ms = performance.now() - started;
        this.options.calls.record(TOKEN_ENDPOINT, outcome, ms / 1_000);
        recordLeanAttempt(call, correlationId, attempt, outcome, httpStatus, started);
        const line = { lean: { endpoint: TOKEN_ENDPOINT, correlationId, attempt, outcome, httpStatus, scope: scopeKind, ms: Math.round(ms) } };
        if (outcome === 'ok') this.options.log.info(line, 'lean token issued');
        else this.options.log.warn(line, 'lean token request failed');
      };
      let answer: { status: number; text: string; retryAfter: string | undefined };
      try {
        answer = await this.exchange(scope);
      } catch (error) {
        const reason = isTimeout(error) ? 'timeout' : 'network';
        logAttempt(reason === 'timeout' ? 'timeout' : 'network_error');
        if (attempt < attempts) {
          await sleep(this.backoff(attempt));
          continue;
        }
        throw new LeanUnavailableError({ reason, correlationId, endpoint: TOKEN_ENDPOINT, cause: error });
      }

      const body = parseJson(answer.text);
      if (answer.status >= 200 && answer.status < 300) {
        const parsed = tokenAnswer.safeParse(body);
        if (!parsed.success) {
          logAttempt('malformed', answer.status);
          const problem = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`).join('; ');
          throw new LeanProtocolError({ correlationId, endpoint: TOKEN_ENDPOINT, problem });
        }
        logAttempt('ok', answer.status);
        const lifetimeMs = parsed.data.expires_in * 1_000;
        return { correlationId, accessToken: parsed.data.access_token, scope: parsed.data.scope ?? undefined, expiresAt: sentAt + lifetimeMs, lifetimeMs };
      }

      const oauthError = oauthErrorBody.safeParse(body);
      const code = oauthError.success ? oauthError.data.error : undefined;
      const refused = answer.status === 401 || answer.status === 403 || (answer.status === 400 && !(scopeKind === 'customer' && code === 'invalid_scope'));
      if (refused) {
        logAttempt('credentials_refused', answer.status);
        throw new LeanAuthError({ clientId: this.options.clientId, httpStatus: answer.status, correlationId, endpoint: TOKEN_ENDPOINT, oauthError: code });
      }
      const unavailable = answer.status === 429 || answer.status >= 500;
      logAttempt(answer.status === 429 ? 'rate_limited' : `http_${answer.status}`, answer.status);
      if (!unavailable) {
        // A customer Lean does not know, a wrong auth URL (404) …: not the credentials, and not an outage.
        throw new LeanApiError({ leanStatus: code?.toUpperCase() ?? `HTTP_${answer.status}`, httpStatus: answer.status, correlationId, endpoint: TOKEN_ENDPOINT, safeToRetry: false });
      }
      const retryAfterMs = parseRetryAfter(answer.retryAfter);
      const wait = retryAfterMs ?? this.backoff(attempt);
      if (attempt < attempts && wait <= this.retryMaxMs) {
        await sleep(wait);
        continue;
      }
      // The auth server is down or limiting us: the call that needed the token cannot be made now.
      throw new LeanUnavailableError({
        reason: answer.status === 429 ? 'rate_limited' : 'network',
        correlationId,
        endpoint: TOKEN_ENDPOINT,
        cause: new Error(`Lean's auth server answered HTTP ${answer.status}`),
        retryAfterMs,
      });
    }
  }

  private async exchange(scope: string) {
    const form = new URLSearchParams({
      client_id: this.options.clientId,
      client_secret: this.options.clientSecret,
      grant_type: 'client_credentials',
      scope,
    });
    const response = await request(`${this.options.authUrl.replace(/\/+$/, '')}/oauth2/token`, {
      method: 'POST',
      dispatcher: this.agent,
      signal: AbortSignal.timeout(this.options.timeoutMs),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    });
    const retryAfter = response.headers['retry-after'];
    return { status: response.statusCode, text: await response.body.text(), retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter };
  }

  /** Exponential backoff with full jitter, as the transport's. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

