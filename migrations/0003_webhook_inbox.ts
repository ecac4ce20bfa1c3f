import { sql, type Kysely } from 'kysely';

/**
 * Every webhook Lean delivered with a valid signature, in order of arrival: the key that makes a
 * redelivery a duplicate, the raw body, and how far applying it got.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_inbox')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    // Lean's event_id, or `sha256:<hex>` of the body where Lean sends none.
    .addColumn('event_key', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('RECEIVED'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_error', 'text')
    .addColumn('processed_at', 'timestamptz')
    .addCheckConstraint('webhook_inbox_status', sql`status in ('RECEIVED', 'APPLIED', 'IGNORED', 'INVALID', 'FAILED')`)
    .execute();
  await sql`create index webhook_inbox_due on webhook_inbox (next_attempt_at, id) where status = 'RECEIVED'`.execute(db);
}
