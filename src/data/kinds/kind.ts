import type { Kysely } from 'kysely';
import type { CacheConfig } from '../../config.js';
import type { PersonalDataVault } from '../../crypto/personal-data.js';
import type { Tables } from '../../db/tables.js';
import type { LeanApi } from '../../lean/api.js';
import type { DataKind, DataOf, LeanResult } from '../../model/results.js';
import type { PendingRow } from '../../store/pending-results-store.js';

/** What one call for each kind of data asks Lean for: the entity, and for account data the account (and days). */
export interface DataRequests {
  readonly identity: { readonly entityId: string };
  readonly accounts: { readonly entityId: string };
  readonly balance: { readonly entityId: string; readonly accountId: string };
  /** `YYYY-MM-DD`, inclusive, UTC days. */
  readonly transactions: { readonly entityId: string; readonly accountId: string; readonly startDate: string; readonly endDate: string };
  readonly beneficiaries: AccountDatasetRequest;
  readonly direct_debits: AccountDatasetRequest;
  readonly scheduled_payments: AccountDatasetRequest;
  readonly standing_orders: AccountDatasetRequest;
  readonly identities: AccountDatasetRequest;
}
/** SAMA's per-account datasets are asked for by entity and account. */
export interface AccountDatasetRequest {
  readonly entityId: string;
  readonly accountId: string;
}
export type DataRequest<K extends DataKind> = DataRequests[K];

/** What the writers need besides the database. */
export interface WriteSettings {
  /** Seals personal data (identities, IBANs, holder names, counterparties) before it is stored. */
  readonly vault: PersonalDataVault;
  readonly cache: CacheConfig;
}

/**
 * One kind of Lean data that a call may answer asynchronously, as the read path and `results.ready`
 * both see it: how it is asked for, how a pending request names it, and how Lean's answer becomes
 * rows — the one writer of that kind.
 */
export interface KindModule<K extends DataKind> {
  readonly kind: K;
  /** Asks Lean now. */
  ask(lean: LeanApi, request: DataRequest<K>): Promise<LeanResult<DataOf<K>>>;
  /** The request a pending row remembers; undefined when the row does not name it whole. */
  requestOf(pending: PendingRow): DataRequest<K> | undefined;
  /** Stores Lean's answer to the request; false (nothing written) when the link is gone meanwhile. */
  write(db: Kysely<Tables>, settings: WriteSettings, request: DataRequest<K>, data: DataOf<K>, fetchedAt: Date): Promise<boolean>;
}

/** Every kind, each by its name: `registry[pending.kind]` is that kind's module, typed. */
export type KindRegistry = { readonly [K in DataKind]: KindModule<K> };
