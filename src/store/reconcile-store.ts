import { sql, type Kysely } from 'kysely';
import type { Tables } from '../db/tables.js';

/** The last day a run of `job` read Lean through successfully (`YYYY-MM-DD`); undefined before the first. */
export async function reconciledThrough(db: Kysely<Tables>, job: string): Promise<string | undefined> {
  const row = await db.selectFrom('reconcile_runs').select('through_day').where('job', '=', job).executeTakeFirst();
  return row?.through_day;
}

/** Records a successful run through `day`; the watermark never moves back (a slow run finishing after a newer one). */
export async function recordReconciled(db: Kysely<Tables>, job: string, day: string): Promise<void> {
  await db
    .insertInto('reconcile_runs')
    .values({ job, through_day: day, finished_at: new Date() })
    .onConflict((oc) =>
      oc.column('job').doUpdateSet({ through_day: sql<string>`greatest(reconcile_runs.through_day, excluded.through_day)`, finished_at: sql<Date>`excluded.finished_at` }),
    )
    .execute();
}

/** The day the first gateway instance started on this database (`YYYY-MM-DD`, UTC): nothing before it was missed by this gateway. */
export async function firstInstanceDay(db: Kysely<Tables>): Promise<string | undefined> {
  const row = await db
    .selectFrom('gateway_instances')
    .select(sql<string | null>`to_char(min(started_at) at time zone 'UTC', 'YYYY-MM-DD')`.as('day'))
    .executeTakeFirst();
  return row?.day ?? undefined;
}

/** The ids of the entities stored here that are still linked, in id order after `after` (undefined: from the first); `limit` a batch. */
export async function linkedEntitiesAfter(db: Kysely<Tables>, after: string | undefined, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('entities')
    .select('id')
    .where('status', '<>', 'DISCONNECTED')
    .$if(after !== undefined, (q) => q.where('id', '>', after ?? ''))
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/** Stored entities among `ids`, and whether each is disconnected here. */
export async function storedLinks(db: Kysely<Tables>, ids: readonly string[]): Promise<Map<string, { disconnected: boolean; announced: boolean }>> {
  const found = new Map<string, { disconnected: boolean; announced: boolean }>();
  if (ids.length === 0) return found;
  const rows = await db.selectFrom('entities').select(['id', 'status', 'link_announced_at']).where('id', 'in', ids).execute();
  for (const row of rows) found.set(row.id, { disconnected: row.status === 'DISCONNECTED', announced: row.link_announced_at !== null });
  return found;
}
