/** Lean answered with an HTTP error; `leanStatus` is Lean's own status string (`UNKNOWN_ENTITY` …). */
export class LeanApiError extends Error {
  readonly leanStatus: string;
  readonly httpStatus: number;
  readonly correlationId: string;
  readonly endpoint: string;
  /** Whether repeating the same call is safe and may succeed (429, 5xx on a read); never for writes. */
  readonly retryable: boolean;
  /** Lean's message, for operators; it may name ids but never reaches clients verbatim. */
  readonly leanMessage: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(details: {
    leanStatus: string;
    httpStatus: number;
    correlationId: string;
    endpoint: string;
    leanMessage?: string | undefined;
    retryAfterMs?: number | undefined;
    /** False for writes (customer creation, deletes): a lost answer is resolved by a lookup, not a repeat. */
    safeToRetry?: boolean;
  }) {
    super(`Lean answered ${details.httpStatus} ${details.leanStatus} to ${details.endpoint}`);
    this.name = 'LeanApiError';
    this.leanStatus = details.leanStatus;
    this.httpStatus = details.httpStatus;
    this.correlationId = details.correlationId;
    this.endpoint = details.endpoint;
    this.leanMessage = details.leanMessage ?? undefined;
    this.retryAfterMs = details.retryAfterMs;
    this.retryable = (details.safeToRetry ?? true) && (details.httpStatus === 429 || details.httpStatus >= 500);
  }
}

/**
 * Why no answer came from Lean: it could not be reached, did not answer in time, its endpoint's
 * circuit is open after repeated failures, or calls are paused because Lean answered 429.
 */
export type UnavailableReason = 'timeout' | 'network' | 'circuit_open' | 'rate_limited';

const UNAVAILABLE_MESSAGES: Record<UnavailableReason, string> = {
  timeout: 'Lean did not answer in time on',
  network: 'Lean could not be reached on',
  circuit_open: 'Lean kept failing; the circuit is open for',
  rate_limited: 'Lean asked us to slow down; calls are paused, including',
};

/** Lean could not be reached, did not answer in time, or was not asked (open circuit, rate-limit pause). */
export class LeanUnavailableError extends Error {
  readonly reason: UnavailableReason;
  readonly correlationId: string;
  readonly endpoint: string;
  /** A read may be repeated later; a write must be resolved by a lookup first. */
  readonly retryable: boolean;
  /** When trying again may help: the rest of an open circuit's wait or of a rate-limit pause. */
  readonly retryAfterMs: number | undefined;
  constructor(details: {
    reason: UnavailableReason;
    correlationId: string;
    endpoint: string;
    cause?: unknown;
    safeToRetry?: boolean;
    retryAfterMs?: number | undefined;
  }) {
    super(`${UNAVAILABLE_MESSAGES[details.reason]} ${details.endpoint}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'LeanUnavailableError';
    this.reason = details.reason;
    this.correlationId = details.correlationId;
    this.endpoint = details.endpoint;
    // Nothing was sent when the circuit is open or calls are paused: a write may be repeated too.
    this.retryable = details.reason === 'circuit_open' || details.reason === 'rate_limited' ? true : (details.safeToRetry ?? true);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Lean's answer did not have the documented shape. */
export class LeanProtocolError extends Error {
  readonly correlationId: string;
  readonly endpoint: string;
  readonly retryable = false;
  constructor(details: { correlationId: string; endpoint: string; problem: string }) {
    super(`Lean's answer to ${details.endpoint} is not in the documented shape: ${details.problem}`);
    this.name = 'LeanProtocolError';
    this.correlationId = details.correlationId;
    this.endpoint = details.endpoint;
  }
}

/** Lean answered a data call with FAILED (or a status it added later). */
export class LeanFailedError extends Error {
  constructor(
    readonly leanStatus: string,
    readonly correlationId: string,
  ) {
    super(`Lean answered ${leanStatus}`);
    this.name = 'LeanFailedError';
  }
}

/**
 * Lean's OAuth2 server (v2) refused the application's client credentials: a configuration fault
 * (wrong or rotated secret, wrong client id), not an outage, so repeating the call will not help.
 * The message names the client id, never the secret.
 */
export class LeanAuthError extends Error {
  readonly code = 'LEAN_CREDENTIALS_REFUSED';
  readonly httpStatus: number;
  readonly correlationId: string;
  readonly endpoint: string;
  /** The OAuth2 `error` code of the refusal (`invalid_client` …), when the auth server sent one. */
  readonly oauthError: string | undefined;
  readonly retryable = false;
  constructor(details: { clientId: string; httpStatus: number; correlationId: string; endpoint: string; oauthError?: string | undefined }) {
    const why = details.oauthError === undefined ? `HTTP ${details.httpStatus}` : `HTTP ${details.httpStatus} ${details.oauthError}`;
    super(`Lean refused the client credentials (client id ${details.clientId}): ${why} to ${details.endpoint}`);
    this.name = 'LeanAuthError';
    this.httpStatus = details.httpStatus;
    this.correlationId = details.correlationId;
    this.endpoint = details.endpoint;
    this.oauthError = details.oauthError;
  }
}

export type LeanError = LeanApiError | LeanUnavailableError | LeanProtocolError | LeanFailedError | LeanAuthError;

/**
 * Lean was not asked: it said the bank is down for data (`bank.availability.updated`, or its bank
 * catalogue). The fault of a stored copy served meanwhile.
 */
export class BankUnavailableError extends Error {
  constructor(readonly bankIdentifier: string) {
    super(`Lean says the bank ${bankIdentifier} is down for data`);
    this.name = 'BankUnavailableError';
  }
}
