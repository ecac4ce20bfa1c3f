import { sql, type Kysely } from 'kysely';

/**
 * What Lean's v2 API adds, stored beside what v1 gave: null where a v1 upstream fills nothing.
 * Personal data among it (an account's holder name, a transaction's counterparty) is sealed text.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('entities')
    .addColumn('bank_type', 'text')
    .addColumn('lean_created_at', 'timestamptz')
    // When Lean last read the bank into its data store (v2 `refreshed_at`, or a finished refresh).
    .addColumn('refreshed_at', 'timestamptz')
    .addColumn('refresh_id', 'text')
    .addColumn('refresh_status', 'text')
    .addColumn('refresh_updated_at', 'timestamptz')
    // Per dataset, as Lean's `data_status` said: { accounts, identity, account_data: [...] }.
    .addColumn('refresh_data_status', 'jsonb')
    .execute();
  await db.schema
    .alterTable('accounts')
    .addColumn('holder_name', 'text')
    .addColumn('sub_type', 'text')
    .addColumn('status', 'text')
    .addColumn('opening_date', 'date')
    .addColumn('nickname', 'text')
    .execute();
  await db.schema
    .alterTable('balances')
    .addColumn('type', 'text')
    // Every balance type the bank reported, amounts as exact decimal text.
    .addColumn('breakdown', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
  await db.schema
    .alterTable('transactions')
    .addColumn('booking_status', 'text')
    .addColumn('value_date', 'timestamptz')
    .addColumn('reference', 'text')
    .addColumn('merchant_name', 'text')
    .addColumn('merchant_category_code', 'text')
    .addColumn('transaction_type', 'text')
    .addColumn('sub_transaction_type', 'text')
    // Sealed JSON: the other side's name, account identification and bank.
    .addColumn('counterparty', 'text')
    // Amounts inside as exact decimal text.
    .addColumn('currency_exchange', 'jsonb')
    .addColumn('charges', 'jsonb')
    .execute();
}
