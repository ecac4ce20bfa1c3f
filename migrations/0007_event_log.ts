import { sql, type Kysely } from 'kysely';

/**
 * The event log: every event the gateway publishes is a row, written in the transaction of the
 * change it announces. An event's place in the log is (`tx`, `position`): `tx` is its transaction's
 * id, and a reader takes only rows whose transactions are older than every transaction still
 * running (`pg_snapshot_xmin`), in that order, so a row committed late can never land behind a
 * position already read. `event_log_horizon` is where pruning has reached: a cursor before it has
 * lost events (CURSOR_EXPIRED).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('event_log')
    .addColumn('position', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('tx', sql`xid8`, (c) => c.notNull().defaultTo(sql`pg_current_xact_id()`))
    .addColumn('topic', 'text', (c) => c.notNull())
    // Who may see it: the customer it concerns (null: the event is for no subscriber, e.g. dataChanged).
    .addColumn('customer_id', 'text')
    .addColumn('results_id', 'text')
    .addColumn('event', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('event_log_order').on('event_log').columns(['tx', 'position']).execute();
  await db.schema.createIndex('event_log_customer').on('event_log').columns(['customer_id', 'topic', 'tx', 'position']).where('customer_id', 'is not', null).execute();
  await db.schema.createIndex('event_log_results').on('event_log').columns(['results_id', 'tx', 'position']).where('results_id', 'is not', null).execute();
  await db.schema.createIndex('event_log_created').on('event_log').column('created_at').execute();
  await db.schema
    .createTable('event_log_horizon')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('tx', sql`xid8`, (c) => c.notNull())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .execute();
}
