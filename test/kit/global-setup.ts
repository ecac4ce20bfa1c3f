import pg from 'pg';
import { buildPgliteTemplate, readPgliteTemplate } from '../../src/db/pglite-template.js';
import { adminDatabaseUrl } from './database.js';

/** Fails fast with a clear message when the configured server is down; makes sure PGlite has its template. */
export default async function setup(): Promise<void> {
  if (adminDatabaseUrl !== undefined) {
    const client = new pg.Client({ connectionString: adminDatabaseUrl, connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
    } catch (error) {
      throw new Error(`DATABASE_URL is set but the Postgres server does not answer: ${(error as Error).message}`, { cause: error });
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  if ((await readPgliteTemplate()) === undefined) await buildPgliteTemplate();
}
