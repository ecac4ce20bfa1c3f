import { access, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import type { Logger } from '../log.js';
import { acquireDirectoryLock, type DirectoryLock } from './directory-lock.js';
import { readPgliteTemplate } from './pglite-template.js';
import type { Tables } from './tables.js';
import { typeParsers } from './type-parsers.js';

export interface Database {
  readonly kind: DatabaseConfig['kind'];
  readonly db: Kysely<Tables>;
  /** Resolves when the database answers a query within `timeoutMs`; rejects with the reason otherwise. */
  ping(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(config: DatabaseConfig, log: Logger): Promise<Database> {
  return config.kind === 'postgres' ? openPostgres(config, log) : openPglite(config.dir);
}

function openPostgres(config: Extract<DatabaseConfig, { kind: 'postgres' }>, log: Logger): Database {
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolMax,
    connectionTimeoutMillis: config.connectTimeoutMs,
    idleTimeoutMillis: config.idleTimeoutMs,
    application_name: 'lean-gateway',
    options: '-c TimeZone=UTC',
    types: { getTypeParser: poolTypeParser },
  });
  // An idle client whose server went away emits here; without a listener the process would crash.
  pool.on('error', (error) => {
    log.warn({ err: { message: error.message, code: (error as { code?: string }).code } }, 'idle database connection lost');
  });
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    db,
    ping: (timeoutMs) => pingWith(db, timeoutMs),
    close: () => db.destroy(),
  };
}

async function openPglite(dir: string): Promise<Database> {
  const path = resolve(dir);
  await mkdir(path, { recursive: true });
  // PGlite is single-process: a second gateway on the same folder would corrupt it.
  const lock: DirectoryLock = await acquireDirectoryLock(path);
  try {
    const initialised = await access(join(path, 'PG_VERSION')).then(() => true, () => false);
    const template = initialised ? undefined : await readPgliteTemplate();
    const client = await PGlite.create(path, { parsers: typeParsers, ...(template && { loadDataDir: template }) });
    await client.exec(`set time zone 'UTC'`);
    const db = new Kysely<Tables>({ dialect: new PGliteDialect(client) });
    return {
      kind: 'pglite',
      db,
      ping: (timeoutMs) => pingWith(db, timeoutMs),
      close: async () => {
        await db.destroy();
        await lock.release();
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/** This pool's own parsers first, pg's defaults for the rest; the global registry is left alone. */
const poolTypeParser = ((oid: number, format: 'text' | 'binary' = 'text'): unknown => {
  const own = format === 'text' ? typeParsers[oid] : undefined;
  return own ?? (pg.types.getTypeParser(oid, format) as unknown);
}) as typeof pg.types.getTypeParser;

async function pingWith(db: Kysely<Tables>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([sql`select 1`.execute(db), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
