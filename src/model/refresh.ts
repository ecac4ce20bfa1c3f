/** How one dataset of a data refresh ended (Lean's `data_status`); a value Lean adds later is kept as sent. */
export type DatasetStatus = 'OK' | 'FAILED' | 'UNSUPPORTED' | (string & {});

/** Lean's account of a data refresh of an entity (`entity.data.refresh.updated`, `GET /data/v2/refreshes/{id}`). */
export interface DataRefresh {
  readonly refreshId: string | null;
  readonly entityId: string;
  readonly customerId: string | null;
  /** `PENDING`, `FINISHED` / `OK` (both appear in Lean's samples) … */
  readonly status: string;
  readonly accounts: DatasetStatus | null;
  readonly identity: DatasetStatus | null;
  readonly accountData: readonly AccountRefreshStatus[];
}

export interface AccountRefreshStatus {
  readonly accountId: string;
  readonly balance: DatasetStatus | null;
  readonly transactions: DatasetStatus | null;
  /** Every dataset Lean reported for the account, by Lean's name (`identity`, `beneficiaries` …). */
  readonly datasets: Readonly<Record<string, DatasetStatus>>;
  /** The days Lean holds transactions for, `YYYY-MM-DD`. */
  readonly transactionsFrom: string | null;
  readonly transactionsTo: string | null;
}

/** A refresh that ended: Lean's data store holds what it could read. */
export function refreshFinished(status: string): boolean {
  return status === 'FINISHED' || status === 'OK';
}
