import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { createLogger } from '../src/log.js';
import { createTestDatabase, type TestDatabase } from './kit/database.js';

// timestamptz values as the database prints them, read back as instants: the digit-by-digit path for
// a UTC session (every precision Postgres prints) and the general path for anything else.
const INSTANTS = [
  '2026-11-21T13:30:00.000Z',
  '2026-11-21T13:30:00.500Z',
  '2026-11-21T13:30:00.120Z',
  '2026-11-21T13:30:00.123Z',
  '1999-12-31T23:59:59.999Z',
  '2024-02-29T00:00:00.001Z',
  '2999-12-31T23:59:59.000Z',
];

describe('timestamptz read back from the database', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    testDatabase = await createTestDatabase('timestamptz_read');
    database = await openDatabase(loadConfig(testDatabase.env).database, createLogger('silent'));
  });
  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  const read = async (timeZone: string) =>
    database.db.transaction().execute(async (trx) => {
      await sql`select set_config('TimeZone', ${timeZone}, true)`.execute(trx);
      const { rows } = await sql<{ at: Date; printed: string }>`
        select value::timestamptz as at, value::timestamptz::text as printed from unnest(${INSTANTS}::text[]) as value`.execute(trx);
      return rows;
    });

  it.each(['UTC', 'Asia/Dubai', 'America/St_Johns'])('is the same instant in a %s session, whatever precision is printed', async (timeZone) => {
    const rows = await read(timeZone);
    expect(rows.map((row) => row.at.toISOString())).toEqual(INSTANTS.map((text) => new Date(text).toISOString()));
    if (timeZone === 'UTC') expect(rows.map((row) => row.printed)).toContain('2026-11-21 13:30:00.5+00');
  });

  it('keeps the instant of a value with microseconds to the millisecond, and of a year before 100', async () => {
    const { rows: more } = await sql<{ micro: Date; ancient: Date }>`
      select '2026-01-01 00:00:00.987654+00'::timestamptz as micro, '0099-06-01 12:00:00+00'::timestamptz as ancient`.execute(database.db);
    expect(more[0]?.micro.toISOString()).toBe('2026-01-01T00:00:00.987Z');
    expect(more[0]?.ancient.toISOString()).toBe('0099-06-01T12:00:00.000Z');
  });
});
