import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { npmStart } from './kit/npm-start.js';
import { isAlive, processTreeOf } from './kit/processes.js';

async function waitUntilGone(pids: readonly number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('stopping `npm start`', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('stopping');
  });
  afterAll(async () => {
    await database?.drop();
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} to the npm process leaves no process of its tree alive`, async () => {
      const started = await npmStart(database.env);
      const tree = processTreeOf(started.pid);
      // npm and, under it, the gateway's node (no shell in between since `exec`); whatever the tree, all of it must go.
      expect(tree.length).toBeGreaterThanOrEqual(2);
      try {
        process.kill(started.pid, signal);
        expect(await waitUntilGone(tree, 8_000)).toEqual([]);
        expect(started.output.join('')).toContain('"msg":"stopped"');
      } finally {
        for (const pid of tree.filter(isAlive)) process.kill(pid, 'SIGKILL');
      }
    }, 60_000);
  }
});
