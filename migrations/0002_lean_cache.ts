import { sql, type Kysely } from 'kysely';

/**
 * The Postgres copy of what Lean answered: customers, banks, entities and their consents, accounts,
 * balances, identities, transactions with the date ranges already fetched, and the requests Lean
 * answered PENDING or RECONNECT_REQUIRED (completed later by `results.ready`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('customers')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('app_user_id', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('entities_fetched_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('banks')
    .addColumn('identifier', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('logo', 'text')
    .addColumn('main_color', 'text')
    .addColumn('background_color', 'text')
    .addColumn('swift_code', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('entities')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('customer_id', 'uuid', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('bank_identifier', 'text', (c) => c.notNull())
    .addColumn('account_type', 'text')
    .addColumn('permissions', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('ACTIVE'))
    .addColumn('reconnect_id', 'text')
    .addColumn('linked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('status_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .addColumn('accounts_fetched_at', 'timestamptz')
    .addCheckConstraint('entities_status', sql`status in ('ACTIVE', 'RECONNECT_REQUIRED', 'DISCONNECTED')`)
    .execute();
  await db.schema.createIndex('entities_by_customer').on('entities').columns(['customer_id', 'linked_at']).execute();

  await db.schema
    .createTable('consents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('entity_id', 'uuid', (c) => c.notNull().references('entities.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('bank_consent_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('permissions', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz')
    .addColumn('status_updated_at', 'timestamptz')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('transactions_from', 'timestamptz')
    .addColumn('transactions_to', 'timestamptz')
    .addColumn('accounts', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('consents_by_entity').on('consents').columns(['entity_id', 'position']).execute();

  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('entity_id', 'uuid', (c) => c.notNull().references('entities.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('type', 'text')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('iban', 'text')
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('accounts_by_entity').on('accounts').columns(['entity_id', 'position']).execute();

  await db.schema
    .createTable('balances')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('amount', 'numeric', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('identities')
    .addColumn('entity_id', 'uuid', (c) => c.primaryKey().references('entities.id').onDelete('cascade'))
    .addColumn('full_name', 'text')
    .addColumn('mobile_number', 'text')
    .addColumn('gender', 'text')
    .addColumn('national_identity_number', 'text')
    .addColumn('birth_date', 'text')
    .addColumn('email_address', 'text')
    .addColumn('address', 'text')
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('transactions')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('timestamp', 'timestamptz', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('amount', 'numeric', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('pending', 'boolean', (c) => c.notNull())
    .addColumn('description_cleansed', 'text')
    // `category` is one of the categories the gateway knows (unknown ones read as OTHER); `category_code` is Lean's text.
    .addColumn('category', 'text')
    .addColumn('category_code', 'text')
    .addColumn('category_confidence', 'double precision')
    .addColumn('type', 'text')
    .addColumn('type_confidence', 'double precision')
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('transactions_pkey', ['account_id', 'transaction_id'])
    .execute();
  // Pages are read newest first with a (timestamp, transaction_id) keyset: this index serves them.
  await sql`create index transactions_page on transactions (account_id, "timestamp" desc, transaction_id desc)`.execute(db);

  await db.schema
    .createTable('transaction_ranges')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('end_date', 'date', (c) => c.notNull())
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    // null: days wholly before the fetch, which never change; else when the range must be fetched again.
    .addColumn('expires_at', 'timestamptz')
    .addCheckConstraint('transaction_ranges_order', sql`start_date <= end_date`)
    .execute();
  await db.schema.createIndex('transaction_ranges_by_account').on('transaction_ranges').columns(['account_id', 'start_date']).execute();

  await db.schema
    .createTable('pending_results')
    .addColumn('results_id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'uuid', (c) => c.notNull())
    .addColumn('entity_id', 'uuid', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('start_date', 'date')
    .addColumn('end_date', 'date')
    .addColumn('reconnect_id', 'text')
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .addCheckConstraint('pending_results_kind', sql`kind in ('identity', 'accounts', 'balance', 'transactions')`)
    .addCheckConstraint('pending_results_status', sql`status in ('PENDING', 'RECONNECT_REQUIRED', 'READY', 'FAILED')`)
    .execute();
  await db.schema.createIndex('pending_results_by_entity').on('pending_results').columns(['entity_id', 'status']).execute();
}
