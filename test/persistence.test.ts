import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { createLogger } from '../src/log.js';
import { createPgliteDirectory, createTestDatabase, type TestDatabase } from './kit/database.js';
import { spawnGateway } from './kit/gateway.js';

async function instanceRows(env: Record<string, string>) {
  const database = await openDatabase(loadConfig(env).database, createLogger('silent'));
  try {
    return await database.db.selectFrom('gateway_instances').selectAll().orderBy('started_at').execute();
  } finally {
    await database.close();
  }
}

async function runOnce(env: Record<string, string>): Promise<void> {
  const gateway = spawnGateway(env);
  const url = await gateway.ready;
  expect((await fetch(`${url}/readyz`)).status).toBe(200);
  gateway.child.kill('SIGTERM');
  expect((await gateway.exited).code).toBe(0);
}

describe('data survives a restart', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('persistence');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('what one run wrote is there after the next, and each run recorded its clean stop', async () => {
    await runOnce(database.env);
    const afterFirst = await instanceRows(database.env);
    expect(afterFirst).toHaveLength(1);

    await runOnce(database.env);
    const afterSecond = await instanceRows(database.env);
    expect(afterSecond).toHaveLength(2);
    expect(afterSecond[0]).toEqual(afterFirst[0]);
    expect(afterSecond.every((row) => row.stopped_at instanceof Date)).toBe(true);
  });
});

describe('embedded Postgres (PGLITE_DIR)', () => {
  let directory: TestDatabase;
  beforeAll(async () => {
    directory = await createPgliteDirectory('pglite_lock');
  });
  afterAll(async () => {
    await directory?.drop();
  });

  it('refuses a second gateway on the same folder, with a message that says what to do', async () => {
    const first = spawnGateway(directory.env);
    await first.ready;
    const second = spawnGateway(directory.env);
    const { code } = await second.exited;
    expect(code).toBe(1);
    expect(second.stdout.join('\n')).toContain('is in use by process');
    expect(second.stdout.join('\n')).toContain('set DATABASE_URL to run several instances');
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
  });

  it('takes over the folder of a gateway that was killed without a clean stop', async () => {
    const killed = spawnGateway(directory.env);
    await killed.ready;
    killed.child.kill('SIGKILL');
    await killed.exited;
    await runOnce(directory.env);
    // Two starts on PGlite from the sources: over 30 s on a loaded 2-core machine.
  }, 90_000);
});
