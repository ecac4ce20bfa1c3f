import { readdir } from 'node:fs/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../migrations/index.js';
import { loadConfig } from '../src/config.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createLogger } from '../src/log.js';
import { createTestDatabase, usingPostgres, type TestDatabase } from './kit/database.js';
import { projectRoot, spawnGateway } from './kit/gateway.js';

const log = createLogger('silent');
const open = (env: Record<string, string>) => openDatabase(loadConfig(env).database, log);
const migrationNames = Object.keys(migrations);

async function appliedMigrations(database: Database): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(database.db);
  return rows.map((row) => row.name);
}

it('the migration registry lists every file in migrations/, in order', async () => {
  const files = (await readdir(`${projectRoot}/migrations`)).filter((file) => /^\d{4}_.*\.ts$/.test(file)).map((file) => file.replace(/\.ts$/, ''));
  expect(migrationNames).toEqual(files.sort());
});

describe('migrations', () => {
  let testDatabase: TestDatabase;
  beforeAll(async () => {
    testDatabase = await createTestDatabase('migrations');
  });
  afterAll(async () => {
    await testDatabase?.drop();
  });

  it('run twice: the second run applies nothing and changes nothing', async () => {
    const database = await open(testDatabase.env);
    try {
      expect(await migrateToLatest(database.db)).toEqual(migrationNames);
      expect(await migrateToLatest(database.db)).toEqual([]);
      expect(await appliedMigrations(database)).toEqual(migrationNames);
    } finally {
      await database.close();
    }
  });
});

describe('migrations run concurrently', () => {
  let testDatabase: TestDatabase;
  beforeAll(async () => {
    testDatabase = await createTestDatabase('migrations_concurrent');
  });
  afterAll(async () => {
    await testDatabase?.drop();
  });

  it('apply each migration exactly once', async () => {
    // With a server, separate pools race as two instances would; PGlite has one connection to share.
    const first = await open(testDatabase.env);
    const second = usingPostgres ? await open(testDatabase.env) : first;
    try {
      const runs = await Promise.all([migrateToLatest(first.db), migrateToLatest(second.db), migrateToLatest(first.db)]);
      expect(runs.flat().sort()).toEqual(migrationNames);
      expect(await appliedMigrations(first)).toEqual(migrationNames);
    } finally {
      await first.close();
      if (second !== first) await second.close();
    }
  });
});

describe.runIf(usingPostgres)('two gateway instances started at the same moment', () => {
  let testDatabase: TestDatabase;
  beforeAll(async () => {
    testDatabase = await createTestDatabase('two_instances');
  });
  afterAll(async () => {
    await testDatabase?.drop();
  });

  it('both come up, with the schema migrated once', async () => {
    const instances = [spawnGateway(testDatabase.env), spawnGateway(testDatabase.env)];
    const urls = await Promise.all(instances.map((instance) => instance.ready));
    for (const url of urls) expect((await fetch(`${url}/readyz`)).status).toBe(200);

    const logged = instances.flatMap((instance) => instance.stdout).filter((line) => line.includes('"migrations applied"'));
    expect(logged).toHaveLength(1);

    for (const instance of instances) instance.child.kill('SIGTERM');
    for (const instance of instances) expect((await instance.exited).code).toBe(0);

    const database = await open(testDatabase.env);
    try {
      expect(await appliedMigrations(database)).toEqual(migrationNames);
      const rows = await database.db.selectFrom('gateway_instances').select(['pid', 'stopped_at']).execute();
      expect(rows).toHaveLength(2);
      expect(rows.every((row) => row.stopped_at instanceof Date)).toBe(true);
    } finally {
      await database.close();
    }
  });
});
