import type { Kysely } from 'kysely';
import type { Tables } from '../db/tables.js';

/** Runs `work` in the caller's transaction when given one, else in a new transaction. */
export function inTransaction<T>(db: Kysely<Tables>, work: (trx: Kysely<Tables>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
