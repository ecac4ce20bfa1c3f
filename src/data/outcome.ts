import type { ErrorCode } from '../model/error-codes.js';

/** What a read of Lean data comes to: data (perhaps a stale copy), or what the client must do next. */
export type Outcome<T> =
  | { readonly kind: 'ok'; readonly value: T; readonly stale: false }
  /** Lean failed and a stale copy was served; `fault` is why (stale-if-error). */
  | { readonly kind: 'ok'; readonly value: T; readonly stale: true; readonly fault: Error }
  | { readonly kind: 'pending'; readonly resultsId: string }
  | { readonly kind: 'reconnectRequired'; readonly entityId: string; readonly reconnectId: string; readonly resultsId: string }
  | { readonly kind: 'consentExpired'; readonly entityId: string; readonly message: string | undefined }
  /** Lean said the entity's bank is down for data (`bank.availability.updated`) and nothing is stored to serve: Lean is not asked. */
  | { readonly kind: 'bankUnavailable'; readonly bankIdentifier: string }
  /** The gateway knows without asking Lean that the entity cannot answer this. */
  | { readonly kind: 'refused'; readonly code: RefusalCode; readonly message: string };

export type RefusalCode = Extract<ErrorCode, 'PERMISSION_NOT_GRANTED' | 'ENTITY_DISCONNECTED' | 'UNSUPPORTED_ACCOUNT_TYPE'>;

export const fresh = <T>(value: T): Outcome<T> => ({ kind: 'ok', value, stale: false });

/** The outcome with its value mapped; non-data outcomes pass through. */
export function mapOutcome<T, U>(outcome: Outcome<T>, map: (value: T) => U): Outcome<U> {
  if (outcome.kind !== 'ok') return outcome;
  return outcome.stale ? { kind: 'ok', value: map(outcome.value), stale: true, fault: outcome.fault } : fresh(map(outcome.value));
}
