import { sql, type Kysely } from 'kysely';
import type { Tables } from '../db/tables.js';

/** The channel whose NOTIFY wakes every instance's reader of the log; it carries no data. */
export const EVENT_CHANNEL = 'lean_gateway_events';

/**
 * A place in the event log: the writing transaction's id, then the row's position. The log is read in
 * this order, and only up to the oldest transaction still running, so a place once read is never
 * preceded by a row committed later.
 */
export interface LogPlace {
  /** xid8 as decimal text: it may pass 2^53. */
  readonly tx: string;
  readonly position: number;
}

/** Before every event. */
export const LOG_START: LogPlace = { tx: '0', position: 0 };

export interface LoggedEvent {
  readonly at: LogPlace;
  /** The event as written (its JSON), checked by the reader. */
  readonly event: unknown;
}

export interface EventToLog {
  readonly topic: string;
  /** Whose event it is; null when it is for no subscriber. */
  readonly customerId: string | null;
  readonly resultsId: string | null;
  readonly event: object;
}

/** Which subscriber's events: a customer's of one topic, those of one `results_id`, or a topic's events of no customer. */
export type EventMatch =
  | { readonly topic: string; readonly customerId: string }
  | { readonly topic: string; readonly resultsId: string }
  | { readonly topic: string; readonly everyone: true };

function whoseOf(match: EventMatch) {
  if ('everyone' in match) return sql`customer_id is null`;
  return 'resultsId' in match ? sql`results_id = ${match.resultsId}` : sql`customer_id = ${match.customerId}`;
}

/**
 * Writes the event; inside a transaction it exists when the transaction commits, exactly when its
 * change does. The readers are woken after the commit (`wakeListeners(db, EVENT_CHANNEL)`).
 */
export async function appendEvent(db: Kysely<Tables>, row: EventToLog): Promise<void> {
  await db
    .insertInto('event_log')
    .values({ topic: row.topic, customer_id: row.customerId, results_id: row.resultsId, event: JSON.stringify(row.event) })
    .execute();
}

interface LogRow {
  tx: string;
  position: number | string;
  event: unknown;
  settled?: boolean;
}

const placeOf = (row: LogRow): LogPlace => ({ tx: row.tx, position: Number(row.position) });

/**
 * The events after `after`, in log order, that no running transaction can still precede: those of
 * transactions older than the oldest one running. `heldBack` says a later row exists but must wait.
 */
export async function readSettledAfter(db: Kysely<Tables>, after: LogPlace, limit: number): Promise<{ events: LoggedEvent[]; heldBack: boolean }> {
  const { rows } = await sql<LogRow>`
    select tx::text as tx, position, event, tx < pg_snapshot_xmin(pg_current_snapshot()) as settled
    from event_log
    where (tx, position) > (${after.tx}::xid8, ${after.position}::bigint)
    order by tx, position
    limit ${limit}`.execute(db);
  const settled = rows.filter((row) => row.settled === true);
  return { events: settled.map((row) => ({ at: placeOf(row), event: row.event })), heldBack: settled.length < rows.length };
}

/** The place of the last settled event: where a reader that starts now begins. */
export async function settledEnd(db: Kysely<Tables>): Promise<LogPlace> {
  return (await logNow(db)).end;
}

/**
 * The log as of now: its settled end, and which transactions had committed by now. A row after
 * `end` may still belong to a transaction that committed before now (it was settled late because an
 * older one was running): `committed(tx)` tells them apart, by the snapshot taken with `end`.
 */
export interface LogNow {
  readonly end: LogPlace;
  readonly committed: (tx: string) => boolean;
}

export async function logNow(db: Kysely<Tables>): Promise<LogNow> {
  const { rows } = await sql<{ snapshot: string; tx: string | null; position: number | string | null }>`
    select now.snapshot::text as snapshot, last.tx::text as tx, last.position
    from (select pg_current_snapshot() as snapshot) now
    left join lateral (
      select tx, position from event_log
      where tx < pg_snapshot_xmin(now.snapshot)
      order by tx desc, position desc
      limit 1
    ) last on true`.execute(db);
  const row = rows[0];
  const end = row?.tx === null || row?.tx === undefined ? LOG_START : { tx: row.tx, position: Number(row.position) };
  return { end, committed: committedIn(row?.snapshot ?? '0:0:') };
}

/** Whether a transaction had committed when `pg_snapshot` text `xmin:xmax:xip,…` was taken. */
export function committedIn(snapshot: string): (tx: string) => boolean {
  const [xmin = '0', xmax = '0', running = ''] = snapshot.split(':');
  const low = BigInt(xmin);
  const high = BigInt(xmax);
  const inProgress = new Set(running === '' ? [] : running.split(',').map((tx) => BigInt(tx)));
  return (tx) => {
    const id = BigInt(tx);
    return id < low || (id < high && !inProgress.has(id));
  };
}

/** One subscriber's events in (`after`, `through`], in log order (`through` is settled: nothing can still land inside). */
export async function readMatching(db: Kysely<Tables>, match: EventMatch, after: LogPlace, through: LogPlace, limit: number): Promise<LoggedEvent[]> {
  const whose = whoseOf(match);
  const { rows } = await sql<LogRow>`
    select tx::text as tx, position, event
    from event_log
    where ${whose} and topic = ${match.topic}
      and (tx, position) > (${after.tx}::xid8, ${after.position}::bigint)
      and (tx, position) <= (${through.tx}::xid8, ${through.position}::bigint)
    order by tx, position
    limit ${limit}`.execute(db);
  return rows.map((row) => ({ at: placeOf(row), event: row.event }));
}

/** The last event of one subscriber's, if the log still holds one. */
export async function lastMatching(db: Kysely<Tables>, match: EventMatch): Promise<LoggedEvent | undefined> {
  const whose = whoseOf(match);
  const { rows } = await sql<LogRow>`
    select tx::text as tx, position, event from event_log
    where ${whose} and topic = ${match.topic}
    order by tx desc, position desc
    limit 1`.execute(db);
  const last = rows[0];
  return last === undefined ? undefined : { at: placeOf(last), event: last.event };
}

/** Where pruning has reached: events up to this place are gone; undefined when nothing was pruned. */
export async function prunedThrough(db: Kysely<Tables>): Promise<LogPlace | undefined> {
  const row = await db.selectFrom('event_log_horizon').select([sql<string>`tx::text`.as('tx'), 'position']).where('id', '=', 1).executeTakeFirst();
  return row === undefined ? undefined : { tx: row.tx, position: Number(row.position) };
}

/**
 * Deletes, oldest first and at most `batch` at a time, the events up to the last one created before
 * `cutoff`, and moves the horizon there. Only one instance prunes at a time (an advisory lock held
 * by this transaction); answers how many were deleted (0 also when another instance holds the lock).
 */
export async function pruneEvents(db: Kysely<Tables>, cutoff: Date, batch: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { rows: lock } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtext('lean-gateway:event-log-prune')) as locked`.execute(trx);
    if (lock[0]?.locked !== true) return 0;
    const { rows: ends } = await sql<LogRow>`
      select tx::text as tx, position, null as event
      from (select tx, position, created_at from event_log order by tx, position limit ${batch}) oldest
      where created_at < ${cutoff}
      order by tx desc, position desc
      limit 1`.execute(trx);
    const end = ends[0];
    if (end === undefined) return 0;
    const through = placeOf(end);
    const deleted = await sql`delete from event_log where (tx, position) <= (${through.tx}::xid8, ${through.position}::bigint)`.execute(trx);
    await sql`
      insert into event_log_horizon (id, tx, position) values (1, ${through.tx}::xid8, ${through.position})
      on conflict (id) do update set tx = excluded.tx, position = excluded.position`.execute(trx);
    return Number(deleted.numAffectedRows ?? 0n);
  });
}
