import { sql, type Kysely, type Selectable } from 'kysely';
import type { Tables, WebhookInboxTable } from '../db/tables.js';

export type InboxRow = Selectable<WebhookInboxTable>;

export interface ReceivedWebhook {
  readonly eventKey: string;
  readonly type: string | null;
  readonly body: string;
  /** Set when the body is not a webhook we can read: it is kept, acknowledged and never applied. */
  readonly invalidReason?: string | undefined;
}

/** Stores a delivery; a second delivery of the same event changes nothing. */
export async function insertWebhook(db: Kysely<Tables>, webhook: ReceivedWebhook): Promise<'stored' | 'duplicate'> {
  const inserted = await db
    .insertInto('webhook_inbox')
    .values({
      event_key: webhook.eventKey,
      type: webhook.type,
      body: webhook.body,
      ...(webhook.invalidReason !== undefined && { status: 'INVALID', last_error: webhook.invalidReason, processed_at: new Date() }),
    })
    .onConflict((oc) => oc.column('event_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted === undefined ? 'duplicate' : 'stored';
}

/**
 * Claims the oldest row that is due: it becomes invisible to other processors for `leaseMs` (a
 * crashed processor's rows come back after that) and its attempt is counted.
 */
export async function claimDueWebhook(db: Kysely<Tables>, leaseMs: number): Promise<InboxRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('webhook_inbox')
      .select('id')
      .where('status', '=', 'RECEIVED')
      .where('next_attempt_at', '<=', sql<Date>`now()`)
      .orderBy('id')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (due === undefined) return undefined;
    return trx
      .updateTable('webhook_inbox')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: sql<Date>`now() + ${`${leaseMs} milliseconds`}::interval` }))
      .where('id', '=', due.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/**
 * Marks the claimed attempt done; false when the claim was lost meanwhile (the lease ran out and
 * another processor took the row over), in which case the caller must roll back.
 */
export async function markWebhookDone(db: Kysely<Tables>, claim: Pick<InboxRow, 'id' | 'attempts'>, status: 'APPLIED' | 'IGNORED', note?: string): Promise<boolean> {
  const updated = await db
    .updateTable('webhook_inbox')
    .set({ status, processed_at: new Date(), last_error: note ?? null })
    .where('id', '=', claim.id)
    .where('status', '=', 'RECEIVED')
    .where('attempts', '=', claim.attempts)
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}

/** Tries again after `retryInMs`, or gives up (FAILED, kept for replay); nothing if the claim was lost. */
export async function markWebhookAttemptFailed(db: Kysely<Tables>, claim: Pick<InboxRow, 'id' | 'attempts'>, reason: string, retryInMs: number | undefined): Promise<void> {
  await db
    .updateTable('webhook_inbox')
    .set(
      retryInMs === undefined
        ? { status: 'FAILED', last_error: reason, processed_at: new Date() }
        : { last_error: reason, next_attempt_at: sql<Date>`now() + ${`${retryInMs} milliseconds`}::interval` },
    )
    .where('id', '=', claim.id)
    .where('status', '=', 'RECEIVED')
    .where('attempts', '=', claim.attempts)
    .execute();
}

/**
 * Tries again after `retryInMs` without counting the attempt: it could not run for a reason outside
 * the row (Lean's circuit open or calls paused, the database away), so it must not bring FAILED closer.
 */
export async function deferWebhook(db: Kysely<Tables>, claim: Pick<InboxRow, 'id' | 'attempts'>, reason: string, retryInMs: number): Promise<void> {
  await db
    .updateTable('webhook_inbox')
    .set((eb) => ({ attempts: eb('attempts', '-', 1), last_error: reason, next_attempt_at: sql<Date>`now() + ${`${retryInMs} milliseconds`}::interval` }))
    .where('id', '=', claim.id)
    .where('status', '=', 'RECEIVED')
    .where('attempts', '=', claim.attempts)
    .execute();
}

/** Every FAILED row is due again, attempts reset; answers how many. */
export async function replayFailedWebhooks(db: Kysely<Tables>): Promise<number> {
  const rows = await db
    .updateTable('webhook_inbox')
    .set({ status: 'RECEIVED', attempts: 0, next_attempt_at: sql<Date>`now()`, processed_at: null })
    .where('status', '=', 'FAILED')
    .returning('id')
    .execute();
  return rows.length;
}

export async function webhookCounts(db: Kysely<Tables>): Promise<Record<string, number>> {
  const rows = await db.selectFrom('webhook_inbox').select(['status', (eb) => eb.fn.countAll<number>().as('count')]).groupBy('status').execute();
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}

export async function recentWebhooks(db: Kysely<Tables>, status: InboxRow['status'] | undefined, limit: number): Promise<Omit<InboxRow, 'body'>[]> {
  return db
    .selectFrom('webhook_inbox')
    .select(['id', 'event_key', 'type', 'received_at', 'status', 'attempts', 'next_attempt_at', 'last_error', 'processed_at'])
    .$if(status !== undefined, (q) => q.where('status', '=', status ?? 'RECEIVED'))
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
