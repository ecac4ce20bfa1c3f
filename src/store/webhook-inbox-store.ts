import { sql, type Kysely, type Selectable } from 'kysely';
import type { Tables, WebhookInboxTable } from '../db/tables.js';

export type InboxRow = Selectable<WebhookInboxTable>;

export interface ReceivedWebhook {
  readonly eventKey: string;
  readonly type: string | null;
  readonly body: string;
  /** Set when the body is not a webhook we can read: it is kept, acknowledged and never applied. */
  readonly invalidReason?: string | undefined;
  /** The Lean entity the webhook concerns, if it names one (see `entityKeyOf`). */
  readonly entityKey?: string | null | undefined;
}

/** NOTIFY channel on which a stored webhook wakes the processors of every instance. */
export const INBOX_CHANNEL = 'lean_gateway_inbox';

/**
 * Stores a delivery; a second delivery of the same event changes nothing. The caller wakes the
 * processors of every instance afterwards (`wakeListeners(db, INBOX_CHANNEL)`): a NOTIFY in this
 * statement would serialise every acknowledgement's commit with every other notifying transaction.
 */
export async function insertWebhook(db: Kysely<Tables>, webhook: ReceivedWebhook): Promise<'stored' | 'duplicate'> {
  const values = {
    event_key: webhook.eventKey,
    type: webhook.type,
    body: webhook.body,
    entity_key: webhook.entityKey ?? null,
    ...(webhook.invalidReason !== undefined && { status: 'INVALID' as const, last_error: webhook.invalidReason, processed_at: new Date() }),
  };
  const inserted = await db
    .insertInto('webhook_inbox')
    .values(values)
    .onConflict((oc) => oc.column('event_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted === undefined ? 'duplicate' : 'stored';
}

/**
 * Claims up to `limit` due rows, oldest first, in one statement: each becomes invisible to other
 * processors for `leaseMs` (a crashed processor's rows come back after that) and its attempt is
 * counted. Per entity, no two rows are applied at once, nor a row while an earlier one of its entity
 * is: a row is claimed only if no earlier row of its entity is being applied elsewhere or locked by
 * another instance claiming at this moment — earlier ones due now come in this batch, and the
 * processor applies one entity's rows one after the other. A row in backoff after a failed attempt
 * holds nobody back (a refresh that arrived before its entity.created waits for it to pass). (A row
 * whose insert commits after a later one's was not acknowledged before that one was sent: there is
 * no order between the two.)
 */
export async function claimDueWebhooks(db: Kysely<Tables>, leaseMs: number, limit: number): Promise<InboxRow[]> {
  const { rows } = await sql<InboxRow>`
    with candidates as (
      select c.id, c.entity_key from webhook_inbox c
      where c.status = 'RECEIVED' and c.next_attempt_at <= now()
        -- Rows behind one being applied are left out here, so that they never crowd the limit.
        and (c.entity_key is null or not exists (
          select 1 from webhook_inbox e
          where e.entity_key = c.entity_key and e.status = 'RECEIVED' and e.id < c.id and e.claimed_until > now()))
      order by c.id
      limit ${limit}
      for update of c skip locked
    ), claimable as (
      -- An earlier row due now but not among the candidates is locked by a claim running meanwhile
      -- (or was claimed since this statement began): it goes first.
      select candidates.id from candidates
      where candidates.entity_key is null or not exists (
        select 1 from webhook_inbox e
        where e.entity_key = candidates.entity_key and e.status = 'RECEIVED' and e.id < candidates.id
          and (e.claimed_until > now() or e.next_attempt_at <= now())
          and e.id not in (select id from candidates))
    )
    update webhook_inbox w
    set attempts = w.attempts + 1,
      next_attempt_at = now() + ${`${leaseMs} milliseconds`}::interval,
      claimed_until = now() + ${`${leaseMs} milliseconds`}::interval
    from claimable
    where w.id = claimable.id
    returning w.*`.execute(db);
  return [...rows].sort((a, b) => a.id - b.id);
}

/**
 * Gives claimed rows back unapplied, due now and their attempt not counted: the earlier row of their
 * entity they were claimed behind is being applied by another instance now (claiming keeps them
 * behind it), or this instance is stopping.
 */
export async function releaseWebhooks(db: Kysely<Tables>, claims: readonly Pick<InboxRow, 'id' | 'attempts'>[]): Promise<void> {
  if (claims.length === 0) return;
  await db
    .updateTable('webhook_inbox')
    .set((eb) => ({ attempts: eb('attempts', '-', 1), next_attempt_at: sql<Date>`now()`, claimed_until: null }))
    .where('status', '=', 'RECEIVED')
    .where((eb) => eb.or(claims.map((claim) => eb.and([eb('id', '=', claim.id), eb('attempts', '=', claim.attempts)]))))
    .execute();
}

/** Milliseconds until the next waiting row falls due (a retry, a lease running out), if one falls due later than now. */
export async function msUntilNextWebhookDue(db: Kysely<Tables>): Promise<number | undefined> {
  const row = await db
    .selectFrom('webhook_inbox')
    .select(sql<number | null>`extract(epoch from min(next_attempt_at) - now()) * 1000`.as('ms'))
    .where('status', '=', 'RECEIVED')
    .where('next_attempt_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row?.ms === null || row?.ms === undefined ? undefined : Number(row.ms);
}

/**
 * Marks claimed attempts done, many in one statement; answers the ids still claimed (now marked).
 * The others' claims were lost meanwhile (the lease ran out and another processor took the row
 * over): what the caller meant to write for them must not be written.
 */
export async function markWebhooksDone(
  db: Kysely<Tables>,
  claims: readonly { readonly id: number; readonly attempts: number; readonly status: 'APPLIED' | 'IGNORED'; readonly note: string | undefined }[],
): Promise<Set<number>> {
  if (claims.length === 0) return new Set();
  const values = sql.join(claims.map((claim) => sql`(${claim.id}::bigint, ${claim.attempts}::int, ${claim.status}::text, ${claim.note ?? null}::text)`));
  const { rows } = await sql<{ id: number | string }>`
    update webhook_inbox w
    set status = v.status, processed_at = now(), last_error = v.note, claimed_until = null
    from (values ${values}) as v(id, attempts, status, note)
    where w.id = v.id and w.status = 'RECEIVED' and w.attempts = v.attempts
    returning w.id`.execute(db);
  return new Set(rows.map((row) => Number(row.id)));
}

/** Tries again after `retryInMs`, or gives up (FAILED, kept for replay); nothing if the claim was lost. */
export async function markWebhookAttemptFailed(db: Kysely<Tables>, claim: Pick<InboxRow, 'id' | 'attempts'>, reason: string, retryInMs: number | undefined): Promise<void> {
  await db
    .updateTable('webhook_inbox')
    .set(
      retryInMs === undefined
        ? { status: 'FAILED', last_error: reason, processed_at: new Date(), claimed_until: null }
        : { last_error: reason, next_attempt_at: sql<Date>`now() + ${`${retryInMs} milliseconds`}::interval`, claimed_until: null },
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
    .set((eb) => ({ attempts: eb('attempts', '-', 1), last_error: reason, next_attempt_at: sql<Date>`now() + ${`${retryInMs} milliseconds`}::interval`, claimed_until: null }))
    .where('id', '=', claim.id)
    .where('status', '=', 'RECEIVED')
    .where('attempts', '=', claim.attempts)
    .execute();
}

/** Every FAILED row is due again, attempts reset, and every instance's processor woken; answers how many. */
export async function replayFailedWebhooks(db: Kysely<Tables>): Promise<number> {
  const rows = await db
    .updateTable('webhook_inbox')
    .set({ status: 'RECEIVED', attempts: 0, next_attempt_at: sql<Date>`now()`, processed_at: null, claimed_until: null })
    .where('status', '=', 'FAILED')
    .returning('id')
    .execute();
  if (rows.length > 0) await sql`select pg_notify(${INBOX_CHANNEL}, '')`.execute(db);
  return rows.length;
}

export async function webhookCounts(db: Kysely<Tables>): Promise<Record<string, number>> {
  const rows = await db.selectFrom('webhook_inbox').select(['status', (eb) => eb.fn.countAll<number>().as('count')]).groupBy('status').execute();
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}

export async function recentWebhooks(db: Kysely<Tables>, status: InboxRow['status'] | undefined, limit: number): Promise<Omit<InboxRow, 'body'>[]> {
  return db
    .selectFrom('webhook_inbox')
    .select(['id', 'event_key', 'type', 'received_at', 'status', 'attempts', 'next_attempt_at', 'last_error', 'processed_at', 'entity_key', 'claimed_until'])
    .$if(status !== undefined, (q) => q.where('status', '=', status ?? 'RECEIVED'))
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Rows deleted per statement by the retention, so that no statement holds many locks for long. */
const PRUNE_BATCH = 1_000;
// A fixed key of our own: one instance at a time deletes old inbox rows.
const PRUNE_LOCK_KEY = 7_411_852_930_114_008n;

/**
 * Deletes APPLIED and IGNORED rows settled more than `retentionDays` ago, a batch per transaction,
 * while this instance holds the retention's advisory lock (when another instance holds it, this one
 * stops). FAILED and INVALID rows are kept for an operator. Answers how many were deleted.
 */
export async function pruneSettledWebhooks(db: Kysely<Tables>, retentionDays: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${sql.lit(PRUNE_LOCK_KEY)}) as locked`.execute(trx);
      if (rows[0]?.locked !== true) return undefined;
      const result = await trx
        .deleteFrom('webhook_inbox')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('webhook_inbox')
            .select('id')
            .where('status', 'in', ['APPLIED', 'IGNORED'])
            .where('processed_at', '<', sql<Date>`now() - ${`${retentionDays} days`}::interval`)
            .limit(PRUNE_BATCH),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
    if (batch === undefined) return deleted;
    deleted += batch;
    if (batch < PRUNE_BATCH) return deleted;
  }
}
