import { sql, type Kysely } from 'kysely';

/**
 * Lean's bank catalogue (`GET /banks/v1`), the same for every customer: one row per bank and
 * account type, and per account type when the list was last read (an empty list is a list too).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('bank_catalogue_reads')
    .addColumn('account_type', 'text', (c) => c.primaryKey())
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('bank_catalogue')
    .addColumn('account_type', 'text', (c) => c.notNull().references('bank_catalogue_reads.account_type').onDelete('cascade'))
    .addColumn('identifier', 'text', (c) => c.notNull())
    // Lean's order, kept for the list as shown.
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('logo', 'text')
    .addColumn('main_color', 'text')
    .addColumn('background_color', 'text')
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('data_available', 'boolean', (c) => c.notNull())
    .addColumn('payments_available', 'boolean', (c) => c.notNull())
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('bank_catalogue_pkey', ['account_type', 'identifier'])
    .execute();
}
