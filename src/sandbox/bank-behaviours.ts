// How each mock bank of banks.ts answers a data call it may answer: one function per behaviour.
import type { PermissionName } from '../model/permissions.js';
import type { BankBehaviour } from './banks.js';

/** A data call is named after the permission it needs (`balance`, `transactions`, `beneficiaries` …). */
export type DataKind = PermissionName;

export interface BankCall {
  readonly kind: DataKind;
  /** The caller asked for the asynchronous flow (v2's `async=true`). */
  readonly async: boolean;
  /** Epoch ms after which the entity's session is over; null: it never ends. */
  readonly sessionExpiresAt: number | null;
  readonly now: number;
}

/** `now`: OK at once; `later`: PENDING, then `results.ready`; `afterReconnect`: RECONNECT_REQUIRED. */
export type BankTiming = 'now' | 'later' | 'afterReconnect';

/** Any bank's session can be ended through the control API (`expire-session`). */
function sessionOver(call: BankCall): boolean {
  return call.sessionExpiresAt !== null && call.now >= call.sessionExpiresAt;
}

/** LEANMB1, LEANMB2 and the KSA banks: everything at once, unless the caller asked for async. */
export function answersAtOnce(call: BankCall): BankTiming {
  if (sessionOver(call)) return 'afterReconnect';
  return call.async ? 'later' : 'now';
}

/** LEANMB3_ASYNC: transactions always take the asynchronous flow (PENDING, then results.ready). */
export function answersTransactionsLater(call: BankCall): BankTiming {
  if (sessionOver(call)) return 'afterReconnect';
  return call.async || call.kind === 'transactions' ? 'later' : 'now';
}

/** LEANMB4_OTP: answers at once while the session lasts; then every call needs a reconnect. */
export function answersWhileSessionLasts(call: BankCall): BankTiming {
  return answersAtOnce(call);
}

export const BANK_TIMING: Readonly<Record<BankBehaviour, (call: BankCall) => BankTiming>> = {
  immediate: answersAtOnce,
  asyncTransactions: answersTransactionsLater,
  expiringSessions: answersWhileSessionLasts,
};

/** When a new (or reconnected) session of the bank ends: only LEANMB4_OTP's sessions expire by themselves. */
export function sessionEnd(behaviour: BankBehaviour | undefined, now: number, sessionTtlMs: number): number | null {
  return behaviour === 'expiringSessions' ? now + sessionTtlMs : null;
}
