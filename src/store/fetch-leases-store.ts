import { sql, type Kysely } from 'kysely';
import type { Tables } from '../db/tables.js';

/**
 * Claims `key` for `holder` for `ms`, in one statement: true when no lease held it or its lease had
 * run out. Two claims at once are ordered by the key's row lock, so exactly one of them wins.
 */
export async function claimFetchLease(db: Kysely<Tables>, key: string, holder: string, ms: number): Promise<boolean> {
  const until = sql<Date>`now() + make_interval(secs => ${ms / 1_000})`;
  const claimed = await db
    .insertInto('lean_fetch_leases')
    .values({ key, holder, until })
    .onConflict((conflict) => conflict.column('key').doUpdateSet({ holder, until }).where('lean_fetch_leases.until', '<', sql<Date>`now()`))
    .returning('holder')
    .executeTakeFirst();
  return claimed !== undefined;
}

/** Moves the holder's lease on to `ms` from now; false when it is not the holder's any more. */
export async function extendFetchLease(db: Kysely<Tables>, key: string, holder: string, ms: number): Promise<boolean> {
  const result = await db
    .updateTable('lean_fetch_leases')
    .set({ until: sql<Date>`now() + make_interval(secs => ${ms / 1_000})` })
    .where('key', '=', key)
    .where('holder', '=', holder)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Ends the holder's lease (a lease claimed since by another holder is left alone). */
export async function releaseFetchLease(db: Kysely<Tables>, key: string, holder: string): Promise<void> {
  await db.deleteFrom('lean_fetch_leases').where('key', '=', key).where('holder', '=', holder).execute();
}

/** Whether some holder's lease on `key` has not run out. */
export async function fetchLeaseHeld(db: Kysely<Tables>, key: string): Promise<boolean> {
  const row = await db.selectFrom('lean_fetch_leases').select('holder').where('key', '=', key).where('until', '>', sql<Date>`now()`).executeTakeFirst();
  return row !== undefined;
}
