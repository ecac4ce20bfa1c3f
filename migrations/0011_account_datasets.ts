import type { Kysely } from 'kysely';

/**
 * SAMA's per-account datasets (beneficiaries, direct debits, scheduled payments, standing orders,
 * parties): per account and dataset when Lean was last asked and whether the bank offers it (a "not
 * offered" answer is kept as long as data would be), and the items of that answer in Lean's order.
 * Each item's headline amount is `numeric`; what says who a counterparty or party is lives only in
 * `personal`, sealed as one JSON text bound to its row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('account_dataset_reads')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('offered', 'boolean', (c) => c.notNull())
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('account_dataset_reads_pkey', ['account_id', 'dataset'])
    .execute();
  await db.schema
    .createTable('account_dataset_items')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('item_id', 'text')
    .addColumn('amount', 'numeric')
    .addColumn('currency', 'text')
    .addColumn('details', 'jsonb', (c) => c.notNull())
    .addColumn('personal', 'text')
    .addPrimaryKeyConstraint('account_dataset_items_pkey', ['account_id', 'dataset', 'position'])
    .addForeignKeyConstraint('account_dataset_items_read_fkey', ['account_id', 'dataset'], 'account_dataset_reads', ['account_id', 'dataset'], (c) => c.onDelete('cascade'))
    .execute();
}
