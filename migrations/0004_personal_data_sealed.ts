import { sql, type Kysely } from 'kysely';

/**
 * From here on identities, IBANs and a consent's account identifiers and holder names are stored
 * sealed (AES-256-GCM, src/crypto/personal-data.ts); the columns stay text and jsonb. A migration
 * cannot know the key: the tables that already hold rows are listed here, and the gateway seals
 * their values at its next start (before it serves) and removes them from the list.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('personal_data_unsealed')
    .addColumn('table_name', 'text', (c) => c.primaryKey())
    .addCheckConstraint('personal_data_unsealed_table', sql`table_name in ('identities', 'accounts', 'consents')`)
    .execute();
  for (const table of ['identities', 'accounts', 'consents']) {
    await sql`insert into personal_data_unsealed (table_name) select ${sql.lit(table)} where exists (select 1 from ${sql.table(table)})`.execute(db);
  }
}
