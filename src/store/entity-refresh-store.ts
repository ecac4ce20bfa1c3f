import { sql, type Kysely } from 'kysely';
import type { EntityStatus, RefreshDataStatusJson, Tables } from '../db/tables.js';
import type { DataRefresh } from '../model/refresh.js';

/** What Lean's data-store workflow told of an entity: when Lean last read the bank, and its latest refresh. */
export interface EntityRefreshRow {
  readonly entity_id: string;
  readonly refreshed_at: Date | null;
  readonly refresh_id: string | null;
  readonly refresh_status: string | null;
  readonly refresh_updated_at: Date | null;
  readonly refresh_data_status: RefreshDataStatusJson | null;
}

/** The refresh state with whose entity it is, and whether it is linked. */
export interface LockedRefreshRow extends EntityRefreshRow {
  readonly customer_id: string;
  readonly status: EntityStatus;
}

const refreshColumns = ['id as entity_id', 'refreshed_at', 'refresh_id', 'refresh_status', 'refresh_updated_at', 'refresh_data_status'] as const;

/** The refresh state of each entity; one statement. */
export async function refreshStatesOfEntities(db: Kysely<Tables>, entityIds: readonly string[]): Promise<EntityRefreshRow[]> {
  if (entityIds.length === 0) return [];
  return db.selectFrom('entities').select(refreshColumns).where('id', 'in', entityIds).execute();
}

/**
 * The entity's refresh state; in a transaction, `forUpdate` locks the row first, so that two
 * refresh webhooks of one entity are recorded one after the other, never interleaved.
 */
export async function refreshStateOf(db: Kysely<Tables>, entityId: string, options: { forUpdate?: boolean } = {}): Promise<LockedRefreshRow | undefined> {
  return db
    .selectFrom('entities')
    .select([...refreshColumns, 'customer_id', 'status'])
    .where('id', '=', entityId)
    .$if(options.forUpdate === true, (q) => q.forUpdate())
    .executeTakeFirst();
}

/** Records the refresh as the entity's latest; a finished one also says when Lean last read the bank. */
export async function recordRefreshState(db: Kysely<Tables>, refresh: DataRefresh, updatedAt: Date, finished: boolean): Promise<void> {
  await db
    .updateTable('entities')
    .set({
      refresh_id: refresh.refreshId,
      refresh_status: refresh.status,
      refresh_updated_at: updatedAt,
      refresh_data_status: refresh.datasetsReported ? JSON.stringify(dataStatusJson(refresh)) : null,
      ...(finished && { refreshed_at: sql<Date>`greatest(refreshed_at, ${updatedAt})` }),
    })
    .where('id', '=', refresh.entityId)
    .execute();
}

/** A data answer said when Lean last read the bank (v2 `refreshed_at`): kept if it is later than what is known. */
export async function recordRefreshedAt(db: Kysely<Tables>, entityId: string, refreshedAt: Date): Promise<void> {
  await db
    .updateTable('entities')
    .set({ refreshed_at: refreshedAt })
    .where('id', '=', entityId)
    .where((eb) => eb.or([eb('refreshed_at', 'is', null), eb('refreshed_at', '<', refreshedAt)]))
    .execute();
}

function dataStatusJson(refresh: DataRefresh): RefreshDataStatusJson {
  return {
    accounts: refresh.accounts,
    identity: refresh.identity,
    account_data: refresh.accountData.map((account) => ({
      account_id: account.accountId,
      datasets: { ...account.datasets },
      transactions_from: account.transactionsFrom,
      transactions_to: account.transactionsTo,
      complete_months: account.transactionsCompleteMonths,
    })),
  };
}
