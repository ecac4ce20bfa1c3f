import { sql, type Kysely } from 'kysely';

/**
 * The per-principal rate limit's counters, shared by every instance (rate-limiter-flexible's
 * RateLimiterPostgres, told `tableCreated: true`): the library's own table shape, created here so
 * that instances starting together do not race to create it. `key` is a digest of the principal's
 * key, `points` the requests counted in the window, `expire` the window's end in epoch milliseconds.
 * Unlogged: every request writes a row, and a logged write waits for the WAL flush (about 2 ms per
 * request here); counts of windows a second or so long are worth nothing after a crash (Postgres
 * empties the table then) and need no copy on a standby.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_limit_buckets')
    .modifyFront(sql`unlogged`)
    .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expire', 'bigint')
    .execute();
}
