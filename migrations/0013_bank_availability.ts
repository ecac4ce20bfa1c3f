import type { Kysely } from 'kysely';

/**
 * Whether each bank is up at Lean, as last said: by a `bank.availability.updated` webhook (as of its
 * timestamp) or by Lean's bank catalogue (as of when it was read). One row per bank; a statement
 * older than the row's `as_of` changes nothing, so a late or redelivered webhook, or a catalogue read
 * before the webhook, cannot undo a newer state.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('bank_availability')
    .addColumn('identifier', 'text', (c) => c.primaryKey())
    .addColumn('data_available', 'boolean', (c) => c.notNull())
    .addColumn('payments_available', 'boolean', (c) => c.notNull())
    .addColumn('as_of', 'timestamptz', (c) => c.notNull())
    // `webhook` or `catalogue`: which statement the row holds.
    .addColumn('source', 'text', (c) => c.notNull())
    .execute();
}
