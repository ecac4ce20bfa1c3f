/** How one dataset of a data refresh ended (Lean's `data_status`); a value Lean adds later is kept as sent. */
export type DatasetStatus = 'OK' | 'FAILED' | 'UNSUPPORTED' | (string & {});

/** Lean's account of a data refresh of an entity (`entity.data.refresh.updated`, `GET /data/v2/refreshes/{id}`). */
export interface DataRefresh {
  readonly refreshId: string | null;
  readonly entityId: string;
  readonly customerId: string | null;
  /** `PENDING`, `FINISHED` / `OK` (both appear in Lean's samples) … */
  readonly status: string;
  /** False when Lean sent no `data_status` at all (nothing is said of any dataset). */
  readonly datasetsReported: boolean;
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
  /** Calendar months wholly within those days (Lean's `complete_months`). */
  readonly transactionsCompleteMonths: number | null;
}

/** A refresh that ended: Lean's data store holds what it could read. */
export function refreshFinished(status: string): boolean {
  return status === 'FINISHED' || status === 'OK';
}

/** Whether Lean read a dataset in this refresh, so that its data is worth reading again. */
export function datasetRead(refresh: DataRefresh, status: DatasetStatus | null | undefined): boolean {
  // Lean said nothing of any dataset: everything may have been read.
  if (!refresh.datasetsReported) return true;
  return status === 'OK';
}

/** One state of a refresh: which refresh, how far, and when Lean said so. */
export interface RefreshMoment {
  readonly refreshId: string | null;
  readonly status: string;
  readonly updatedAt: Date;
}

/** PENDING, then any status not known here, then finished: a state of the same refresh never goes back. */
function stage(status: string): number {
  if (status === 'PENDING') return 0;
  return refreshFinished(status) ? 2 : 1;
}

/**
 * Where an incoming state of an entity's refresh stands against the one recorded: `newer` replaces
 * it; `same` was recorded already (a redelivery); `older` came late (out of order) and must not
 * overwrite it. Within one refresh the stage decides (a late PENDING after FINISHED is older, whatever
 * the clocks say); between refreshes, when Lean said it.
 */
export function orderOfRefresh(recorded: RefreshMoment | undefined, incoming: RefreshMoment): 'newer' | 'same' | 'older' {
  if (recorded === undefined) return 'newer';
  const sameRefresh = recorded.refreshId !== null && recorded.refreshId === incoming.refreshId;
  if (sameRefresh) {
    const [was, is] = [stage(recorded.status), stage(incoming.status)];
    if (is !== was) return is > was ? 'newer' : 'older';
    if (is !== 1 || recorded.status === incoming.status) return 'same';
  }
  const [was, is] = [recorded.updatedAt.getTime(), incoming.updatedAt.getTime()];
  if (is !== was) return is > was ? 'newer' : 'older';
  return recorded.refreshId === incoming.refreshId && recorded.status === incoming.status ? 'same' : 'newer';
}
