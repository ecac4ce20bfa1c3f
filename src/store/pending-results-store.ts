import type { Kysely, Selectable } from 'kysely';
import type { PendingResultsTable, Tables } from '../db/tables.js';
import type { DataKind } from '../model/results.js';

export interface PendingRequest {
  readonly resultsId: string;
  readonly kind: DataKind;
  readonly status: 'PENDING' | 'RECONNECT_REQUIRED';
  readonly customerId: string;
  readonly entityId: string;
  readonly accountId?: string | undefined;
  readonly startDate?: string | undefined;
  readonly endDate?: string | undefined;
  readonly reconnectId?: string | undefined;
}

/** Remembers what a PENDING or RECONNECT_REQUIRED answer was for, so that `results.ready` can complete it. */
export async function rememberPendingRequest(db: Kysely<Tables>, request: PendingRequest): Promise<void> {
  await db
    .insertInto('pending_results')
    .values({
      results_id: request.resultsId,
      kind: request.kind,
      status: request.status,
      customer_id: request.customerId,
      entity_id: request.entityId,
      account_id: request.accountId ?? null,
      start_date: request.startDate ?? null,
      end_date: request.endDate ?? null,
      reconnect_id: request.reconnectId ?? null,
      completed_at: null,
    })
    .onConflict((oc) => oc.column('results_id').doNothing())
    .execute();
}

/** A request of the same kind, for the same data, that Lean answered PENDING since `since` and that is not completed. */
export async function openPendingRequest(
  db: Kysely<Tables>,
  request: Pick<PendingRequest, 'kind' | 'entityId' | 'accountId' | 'startDate' | 'endDate'>,
  since: Date,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('pending_results')
    .select('results_id')
    .where('kind', '=', request.kind)
    .where('entity_id', '=', request.entityId)
    .where('account_id', 'is not distinct from', request.accountId ?? null)
    .where('start_date', 'is not distinct from', request.startDate ?? null)
    .where('end_date', 'is not distinct from', request.endDate ?? null)
    .where('status', '=', 'PENDING')
    .where('requested_at', '>', since)
    .orderBy('requested_at', 'desc')
    .executeTakeFirst();
  return row?.results_id;
}

export type PendingRow = Selectable<PendingResultsTable>;

export async function pendingRequest(db: Kysely<Tables>, resultsId: string): Promise<PendingRow | undefined> {
  return db.selectFrom('pending_results').selectAll().where('results_id', '=', resultsId).executeTakeFirst();
}

export async function pendingRequests(db: Kysely<Tables>, resultsIds: readonly string[]): Promise<PendingRow[]> {
  if (resultsIds.length === 0) return [];
  return db.selectFrom('pending_results').selectAll().where('results_id', 'in', resultsIds).execute();
}

/** Completes the request; false when it was completed already (by another delivery). */
export async function completePendingRequest(db: Kysely<Tables>, resultsId: string, status: 'READY' | 'FAILED'): Promise<boolean> {
  const updated = await db
    .updateTable('pending_results')
    .set({ status, completed_at: new Date() })
    .where('results_id', '=', resultsId)
    .where('status', 'in', ['PENDING', 'RECONNECT_REQUIRED'])
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}
