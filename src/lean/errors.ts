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

/** Lean could not be reached or did not answer in time. */
export class LeanUnavailableError extends Error {
  readonly reason: 'timeout' | 'network';
  readonly correlationId: string;
  readonly endpoint: string;
  /** A read may be repeated later; a write must be resolved by a lookup first. */
  readonly retryable: boolean;
  constructor(details: { reason: 'timeout' | 'network'; correlationId: string; endpoint: string; cause: unknown; safeToRetry?: boolean }) {
    super(`Lean ${details.reason === 'timeout' ? 'did not answer in time' : 'could not be reached'} on ${details.endpoint}`, { cause: details.cause });
    this.name = 'LeanUnavailableError';
    this.reason = details.reason;
    this.correlationId = details.correlationId;
    this.endpoint = details.endpoint;
    this.retryable = details.safeToRetry ?? true;
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

export type LeanError = LeanApiError | LeanUnavailableError | LeanProtocolError | LeanFailedError;
