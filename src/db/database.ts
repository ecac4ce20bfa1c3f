import { access, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import type { Logger } from '../log.js';
import { sqlStatementSpans } from '../observability/tracing.js';
import { acquireDirectoryLock, type DirectoryLock } from './directory-lock.js';
import { readPgliteTemplate } from './pglite-template.js';
import type { Tables } from './tables.js';
import { typeParsers } from './type-parsers.js';

export interface Database {
  readonly kind: DatabaseConfig['kind'];
  readonly db: Kysely<Tables>;
  /** Resolves when the database answers a query within `timeoutMs`; rejects with the reason otherwise. */
  ping(timeoutMs: number): Promise<void>;
  /**
   * Calls `onMessage` with each NOTIFY payload on `channel`. With a Postgres server this holds one
   * dedicated connection that reconnects and listens again after the server restarts; notifications
   * sent meanwhile are lost, so `onListening` is called each time it listens again (and the first
   * time) for the caller to catch up. Resolves with a function that stops listening.
   */
  listen(channel: string, onMessage: (payload: string) => void, onListening?: () => void): Promise<() => Promise<void>>;
  /** Connections of the Postgres pool now (metrics); absent with PGlite, which has no pool. */
  poolStats?(): { total: number; idle: number; waiting: number };
  /** The Postgres pool itself, for a library that takes one (the shared rate limit); absent with PGlite. */
  readonly pool?: pg.Pool;
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
  // A client whose server goes away while it is checked out (between two statements of a transaction)
  // emits on itself, where pg's pool does not listen: without this the process would crash.
  pool.on('connect', (client) => {
    client.on('error', (error) => {
      log.warn({ err: { message: error.message, code: (error as { code?: string }).code } }, 'database connection lost while in use');
    });
  });
  // An idle client whose server went away emits here; without a listener the process would crash.
  pool.on('error', (error) => {
    log.warn({ err: { message: error.message, code: (error as { code?: string }).code } }, 'idle database connection lost');
  });
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }), ...sqlStatementSpans() });
  return {
    kind: 'postgres',
    db,
    ping: (timeoutMs) => pingWith(db, timeoutMs),
    listen: (channel, onMessage, onListening) => listenOnServer(config, channel, onMessage, log, onListening),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    pool,
    close: () => db.destroy(),
  };
}

const LISTEN_RETRY_MAX_MS = 5_000;

async function listenOnServer(
  config: Extract<DatabaseConfig, { kind: 'postgres' }>,
  channel: string,
  onMessage: (payload: string) => void,
  log: Logger,
  onListening?: () => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: config.url, connectionTimeoutMillis: config.connectTimeoutMs, application_name: 'lean-gateway-listener' });
    next.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) onMessage(message.payload);
    });
    // A lost connection (the server restarted) is replaced; errors after that are the same loss.
    const lost = () => {
      if (client !== next || stopped) return;
      client = undefined;
      log.warn('event listener lost its database connection; reconnecting');
      schedule();
    };
    next.on('error', lost);
    next.on('end', lost);
    try {
      await next.connect();
      await next.query(`listen ${escapeIdentifier(channel)}`);
    } catch (error) {
      next.removeAllListeners('end');
      await next.end().catch(() => undefined);
      throw error;
    }
    if (stopped) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    if (failures > 0) log.info('event listener listening again');
    failures = 0;
    onListening?.();
  };
  const schedule = () => {
    if (stopped) return;
    const delay = Math.min(LISTEN_RETRY_MAX_MS, 100 * 2 ** failures);
    failures += 1;
    retryTimer = setTimeout(() => {
      connect().catch(() => schedule());
    }, delay);
    retryTimer.unref();
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retryTimer);
    const current = client;
    client = undefined;
    await current?.end().catch(() => undefined);
  };
}

function escapeIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
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
    const db = new Kysely<Tables>({ dialect: new PGliteDialect(client), ...sqlStatementSpans() });
    return {
      kind: 'pglite',
      db,
      ping: (timeoutMs) => pingWith(db, timeoutMs),
      listen: async (channel, onMessage, onListening) => {
        const unlisten = await client.listen(channel, onMessage);
        onListening?.();
        return () => unlisten();
      },
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
