import { Migrator, sql, type Kysely, type MigrationResult } from 'kysely';
import { migrations } from '../../migrations/index.js';

// A fixed key of our own: every gateway instance serialises its whole migration run on it,
// table creation included, so instances starting together cannot race.
const MIGRATION_LOCK_KEY = 7_411_852_930_114_001n;

export class MigrationError extends Error {
  constructor(migration: string | undefined, cause: unknown) {
    super(`migration ${migration ?? '(setup)'} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'MigrationError';
  }
}

/** Brings the schema to the newest migration; returns the migrations this call applied. */
export async function migrateToLatest<T>(db: Kysely<T>): Promise<string[]> {
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(connection);
    try {
      const migrator = new Migrator({
        db: connection,
        provider: { getMigrations: () => Promise.resolve(migrations) },
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error !== undefined) {
        throw new MigrationError(results?.find((r: MigrationResult) => r.status === 'Error')?.migrationName, error);
      }
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(connection);
    }
  });
}
