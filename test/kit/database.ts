import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The suite runs against the Postgres server when DATABASE_URL is set, against PGlite otherwise. */
export const adminDatabaseUrl = process.env['DATABASE_URL'] || undefined;
export const usingPostgres = adminDatabaseUrl !== undefined;

export interface TestDatabase {
  /** Environment that points a gateway at this database (DATABASE_URL or PGLITE_DIR). */
  readonly env: Readonly<Record<string, string>>;
  readonly kind: 'postgres' | 'pglite';
  drop(): Promise<void>;
}

/** A database of the test file's own: a new database on the server, or a new PGlite folder. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `gw_${label.replace(/\W/g, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  if (adminDatabaseUrl === undefined) {
    const dir = await mkdtemp(join(tmpdir(), `${name}-`));
    return { kind: 'pglite', env: { PGLITE_DIR: dir }, drop: () => rm(dir, { recursive: true, force: true }) };
  }
  await withAdmin((client) => client.query(`create database "${name}"`));
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    env: { DATABASE_URL: url.toString() },
    drop: () => withAdmin((client) => client.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

/** A PGlite folder regardless of the suite's mode, for tests about the embedded database itself. */
export async function createPgliteDirectory(label: string): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), `gw_${label}-`));
  return { kind: 'pglite', env: { PGLITE_DIR: dir }, drop: () => rm(dir, { recursive: true, force: true }) };
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
