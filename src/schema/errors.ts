import { GraphQLError } from 'graphql';
import type { Principal } from '../auth/principal.js';
import { mayReadPersonalData, PERSONAL_DATA_SCOPE } from '../auth/scopes.js';
import { BankUnavailableError, LeanApiError, LeanAuthError, LeanFailedError, LeanProtocolError, LeanUnavailableError } from '../model/upstream-errors.js';
import type { ErrorCode } from '../model/error-codes.js';

/** The same answer whether the object does not exist or belongs to someone else. */
export function notFound(what: string): GraphQLError {
  return new GraphQLError(`No ${what} with this id`, { extensions: { code: 'NOT_FOUND' satisfies ErrorCode } });
}

export function badUserInput(message: string, details: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' satisfies ErrorCode, ...details } });
}

/** A subscription resumed from a cursor older than the event log keeps: the events since are gone, so re-query. */
export function cursorExpired(): GraphQLError {
  return new GraphQLError('The cursor is older than the gateway keeps events: query the current state again, then subscribe without it', {
    extensions: { code: 'CURSOR_EXPIRED' satisfies ErrorCode },
  });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' satisfies ErrorCode } });
}

/**
 * A Lean failure as clients see it: a code, Lean's status and the correlation id for support; never
 * Lean's message or body (they may name people or accounts).
 */
export function upstreamError(error: unknown, path?: readonly (string | number)[]): GraphQLError | undefined {
  const options = (code: ErrorCode, extensions: Record<string, unknown>) => ({ ...(path && { path }), extensions: { code, ...extensions } });
  if (error instanceof BankUnavailableError) {
    return new GraphQLError("Lean says the entity's bank is down for data; Lean was not asked", options('BANK_UNAVAILABLE', { bankIdentifier: error.bankIdentifier }));
  }
  if (error instanceof LeanUnavailableError) {
    return new GraphQLError(
      error.reason === 'circuit_open' || error.reason === 'rate_limited' ? 'Lean is not being called for a moment; try again shortly' : 'Lean is not answering; try again shortly',
      options('UPSTREAM_UNAVAILABLE', { reason: error.reason, correlationId: error.correlationId, ...retryAfter(error.retryAfterMs) }),
    );
  }
  if (error instanceof LeanApiError) {
    const unavailable = error.httpStatus >= 500 || error.httpStatus === 429;
    return new GraphQLError(
      unavailable ? 'Lean is not answering; try again shortly' : `Lean refused the request (${error.leanStatus})`,
      options(unavailable ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_ERROR', {
        ...(unavailable && { reason: error.httpStatus === 429 ? 'rate_limited' : 'server_error' }),
        leanStatus: error.leanStatus,
        correlationId: error.correlationId,
        ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }),
        ...retryAfter(error.retryAfterMs),
      }),
    );
  }
  if (error instanceof LeanAuthError) {
    // The operators' problem, not the caller's: no client id, no detail beyond what to tell support.
    return new GraphQLError("Lean refused the gateway's credentials; the operators have to fix them", options('UPSTREAM_UNAVAILABLE', { reason: 'credentials_refused', correlationId: error.correlationId }));
  }
  if (error instanceof LeanFailedError) {
    return new GraphQLError(`Lean could not fetch the data (${error.leanStatus})`, options('UPSTREAM_ERROR', { leanStatus: error.leanStatus, correlationId: error.correlationId }));
  }
  if (error instanceof LeanProtocolError) {
    return new GraphQLError("Lean's answer was not in the documented shape", options('UPSTREAM_ERROR', { correlationId: error.correlationId }));
  }
  return undefined;
}

/** A hint in whole seconds (at least 1) for when trying again may help. */
function retryAfter(ms: number | undefined): { retryAfterSeconds?: number } {
  return ms === undefined ? {} : { retryAfterSeconds: Math.max(1, Math.ceil(ms / 1_000)) };
}

/** Runs a resolver body; Lean failures become typed GraphQL errors, anything else stays unexpected. */
export async function answeringLeanErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw upstreamError(error) ?? error;
  }
}

/** Personal data (identity, full IBANs) asked for without the scope: this field fails, the rest of the answer stands. */
export function personalDataForbidden(principal: Principal): void {
  if (!mayReadPersonalData(principal)) {
    throw forbidden(`Personal data needs the scope ${PERSONAL_DATA_SCOPE} in the end user's token`);
  }
}
