import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { createLogger } from '../src/log.js';
import { adminDatabaseUrl, createTestDatabase, usingPostgres, type TestDatabase } from './kit/database.js';

describe('values read back from the database', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    testDatabase = await createTestDatabase('type_parsers');
    database = await openDatabase(loadConfig(testDatabase.env).database, createLogger('silent'));
  });
  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it('keep numeric exact as a string, int8 as a number, date as YYYY-MM-DD, timestamptz as an instant', async () => {
    const { rows } = await sql<{ amount: unknown; tiny: unknown; count: unknown; day: unknown; at: unknown; nothing: unknown }>`
      select 15035.85::numeric as amount, 0.1::numeric + 0.2::numeric as tiny, 9007199254740991::int8 as count,
             '2024-02-29'::date as day, '2026-11-21 13:30:00.123+05:30'::timestamptz as at, null::numeric as nothing`.execute(database.db);
    expect(rows[0]).toEqual({
      amount: '15035.85',
      tiny: '0.3',
      count: 9007199254740991,
      day: '2024-02-29',
      at: new Date('2026-11-21T08:00:00.123Z'),
      nothing: null,
    });
  });

  it('refuse an int8 beyond 2^53 rather than rounding it', async () => {
    await expect(sql`select 9007199254740993::int8 as big`.execute(database.db)).rejects.toThrow(/safe integer/);
  });

  it.runIf(usingPostgres)('leave the global pg type registry alone', async () => {
    const client = new pg.Client({ connectionString: adminDatabaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ day: unknown; amount: unknown }>(`select '2024-02-29'::date as day, 1.5::numeric as amount`);
      expect(rows[0]?.day).toBeInstanceOf(Date); // pg's own default, untouched by the gateway's pool
    } finally {
      await client.end();
    }
  });
});
