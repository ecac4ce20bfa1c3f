import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { projectRoot } from './kit/gateway.js';
import { LEAN_TEST_VERSION } from './kit/lean-version.js';

/** Environment variables of the developer's shell that must not reach the gateway under test. */
const GATEWAY_VARIABLES = /^(PORT|HOST|NODE_ENV|LOG_LEVEL|DATABASE_|PGLITE_DIR|GATEWAY_|LEAN_|OTEL_|npm_)/;

/** The pids of a process's children, from /proc (every thread's list). */
async function childrenOf(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`);
  const lists = await Promise.all(tasks.map((task) => readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '')));
  return lists.flatMap((list) => list.split(' ').filter(Boolean).map(Number));
}

/** The process and all its descendants. */
async function treeOf(pid: number): Promise<number[]> {
  const children = await childrenOf(pid).catch(() => []);
  const below = await Promise.all(children.map((child) => treeOf(child)));
  return [pid, ...below.flat()];
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

async function waitUntilGone(pids: readonly number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `npm start` as a user runs it, on its own database, on free ports; resolves once the gateway says it is ready. */
async function npmStart(env: Record<string, string>) {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !GATEWAY_VARIABLES.test(key)));
  const npm = spawn('npm', ['start'], {
    cwd: projectRoot,
    env: { ...inherited, NODE_ENV: 'test', PORT: '0', LEAN_SANDBOX_PORT: '0', LEAN_API_VERSION: LEAN_TEST_VERSION, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  npm.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    npm.stdout.on('data', (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      if (output.join('').includes('"msg":"gateway ready"')) resolve();
    });
    void exited.then(() => reject(new Error(`npm start exited before the gateway was ready:\n${output.join('')}`)));
  });
  if (npm.pid === undefined) throw new Error('npm start has no pid');
  return { pid: npm.pid, output, exited };
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
      const tree = await treeOf(started.pid);
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
