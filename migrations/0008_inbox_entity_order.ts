import { sql, type Kysely } from 'kysely';

/**
 * Per-entity order of the inbox and its retention: each row names the Lean entity it concerns (null
 * when it concerns none) and says while it is being applied, so that no instance applies a row of an
 * entity while another applies an earlier one; applied and ignored rows are found by age for deletion.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhook_inbox').addColumn('entity_key', 'text').execute();
  // Set while an instance applies the row: the rows of its entity behind it wait (a row in backoff holds nobody back).
  await db.schema.alterTable('webhook_inbox').addColumn('claimed_until', 'timestamptz').execute();
  // Claiming asks, for each due row, whether an earlier row of its entity is still waiting.
  await sql`create index webhook_inbox_entity_order on webhook_inbox (entity_key, id) where status = 'RECEIVED'`.execute(db);
  await sql`create index webhook_inbox_settled on webhook_inbox (processed_at) where status in ('APPLIED', 'IGNORED')`.execute(db);
  await keyWaitingRows(db);
}

/**
 * Rows still waiting when this runs get their key as the receiver now derives it (the rule is
 * copied here, not imported, so that this migration does the same whatever the code becomes).
 */
async function keyWaitingRows(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ id: string; type: string | null; body: string }>`select id, type, body from webhook_inbox where status = 'RECEIVED'`.execute(db);
  for (const row of rows) {
    const key = entityKeyOf(row.type, row.body);
    if (key !== null) await sql`update webhook_inbox set entity_key = ${key} where id = ${row.id}`.execute(db);
  }
}

function entityKeyOf(type: string | null, body: string): string | null {
  let payload: unknown;
  try {
    payload = (JSON.parse(body) as { payload?: unknown }).payload;
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null) return null;
  const { id, entity_id: entityId } = payload as { id?: unknown; entity_id?: unknown };
  const named = (value: unknown) => (typeof value === 'string' && value !== '' ? value.slice(0, 200) : null);
  switch (type) {
    case 'entity.created':
    case 'entity.reconnected':
      return named(id);
    case 'entity.updated':
      return named(id) ?? named(entityId);
    case 'entity.data.refresh.updated':
    case 'results.ready':
      return named(entityId);
    default:
      return null;
  }
}
