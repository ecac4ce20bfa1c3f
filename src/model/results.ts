import type { Account } from './account.js';
import type { Balance } from './balance.js';
import type { Beneficiary } from './beneficiary.js';
import type { DatasetAnswer } from './dataset-answer.js';
import type { DirectDebit } from './direct-debit.js';
import type { Identity } from './identity.js';
import type { Party } from './party.js';
import type { ScheduledPayment } from './scheduled-payment.js';
import type { StandingOrder } from './standing-order.js';
import type { Transaction } from './transaction.js';

/** The kinds of Lean data a call can go pending for, each with what its answer carries. */
export interface DataOfKind {
  readonly identity: Identity;
  readonly accounts: readonly Account[];
  readonly balance: Balance;
  readonly transactions: readonly Transaction[];
  readonly beneficiaries: DatasetAnswer<Beneficiary>;
  readonly direct_debits: DatasetAnswer<DirectDebit>;
  readonly scheduled_payments: DatasetAnswer<ScheduledPayment>;
  readonly standing_orders: DatasetAnswer<StandingOrder>;
  /** An account's parties (Lean's per-account `identities`). */
  readonly identities: DatasetAnswer<Party>;
}
export type DataKind = keyof DataOfKind;
export type DataOf<K extends DataKind> = DataOfKind[K];

/** What a Lean data call can answer, in either generation. Only `ok` carries data; the others tell the caller what to do next. */
export type LeanResult<T> = { readonly correlationId: string } & (
  | { readonly kind: 'ok'; readonly data: T; readonly refreshedAt?: Date | null | undefined }
  | { readonly kind: 'pending'; readonly resultsId: string }
  | { readonly kind: 'reconnectRequired'; readonly reconnectId: string; readonly resultsId: string }
  | { readonly kind: 'failed'; readonly status: string; readonly message: string | undefined; readonly resultsId: string | undefined }
  | { readonly kind: 'consentExpired'; readonly message: string | undefined }
);

/** The answer to "read the bank again now" (v2 `POST /data/v2/refreshes`). */
export type RefreshRequestResult = { readonly correlationId: string } & (
  | { readonly kind: 'started'; readonly refreshId: string }
  /** Lean 429 DUPLICATED_REQUEST: a refresh of this entity is already pending. */
  | { readonly kind: 'alreadyPending' }
  | { readonly kind: 'consentExpired'; readonly message: string | undefined }
);
