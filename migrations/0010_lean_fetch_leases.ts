import { sql, type Kysely } from 'kysely';

/**
 * Who is asking Lean for a key now, across instances: one row per key while its fetch runs
 * (`src/store/fetch-leases-store.ts`). `holder` names one claim, `until` bounds it, so a killed
 * holder blocks nobody for long. Unlogged: a lease is worth nothing after a crash (Postgres empties
 * the table then), and a logged write would wait for the WAL flush on every cold read.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('lean_fetch_leases')
    .modifyFront(sql`unlogged`)
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('until', 'timestamptz', (c) => c.notNull())
    .execute();
}
