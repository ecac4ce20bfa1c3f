import { sql, type Kysely } from 'kysely';

/**
 * Catching up after downtime (src/webhooks/reconcile.ts): `reconcile_runs` keeps, per job, the last
 * day a run read Lean's entity list through successfully, so the next run starts there (less a day
 * of overlap). `entities.link_announced_at` says when `entityLinked` was published for an entity, so
 * that the reconciler and a late `entity.created` publish it once between them; entities stored
 * before this migration were announced already (or never will be: their webhook is long past).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('reconcile_runs')
    .addColumn('job', 'text', (c) => c.primaryKey())
    .addColumn('through_day', 'date', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('entities').addColumn('link_announced_at', 'timestamptz').execute();
  await sql`update entities set link_announced_at = linked_at`.execute(db);
}
