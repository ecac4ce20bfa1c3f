import type { Kysely } from 'kysely';
import type { DataKind, Tables } from '../db/tables.js';

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
