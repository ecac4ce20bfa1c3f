import { sql, type Kysely } from 'kysely';

/**
 * Consents over their life. `entities.consent_lapsed_at`: when the gateway learned that the entity's
 * consent no longer lets its data be read (Lean answered CONSENT_EXPIRED, a re-read showed it revoked
 * or ended, or its end passed); reads answer ConsentExpired from then on, without asking Lean.
 * `consent_notices`: the notices sent about a consent, one of each kind per consent (the primary key),
 * written in the transaction of the event that announces them, so no instance, crash or restart can
 * send one twice or lose one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('entities').addColumn('consent_lapsed_at', 'timestamptz').execute();
  await db.schema
    .createTable('consent_notices')
    .addColumn('consent_id', 'text', (c) => c.notNull())
    // EXPIRING (GATEWAY_CONSENT_NOTICE_DAYS before the end) or EXPIRED (the end passed).
    .addColumn('notice', 'text', (c) => c.notNull().check(sql`notice in ('EXPIRING', 'EXPIRED')`))
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    // The end the notice was about, as stored then.
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('consent_notices_once', ['consent_id', 'notice'])
    .execute();
  await db.schema.createIndex('consents_expires_at').on('consents').column('expires_at').where('expires_at', 'is not', null).execute();
}
