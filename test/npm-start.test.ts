import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { projectRoot } from './kit/gateway.js';
import { npmStart, type NpmStart } from './kit/npm-start.js';
import { commandLineOf, environmentVariableOf, processTreeOf } from './kit/processes.js';

const packageVersion = (JSON.parse(readFileSync(`${projectRoot}/package.json`, 'utf8')) as { version: string }).version;

describe('`npm start` runs the compiled gateway', () => {
  let database: TestDatabase;
  let started: NpmStart;
  beforeAll(async () => {
    database = await createTestDatabase('npm_start');
    started = await npmStart(database.env);
  }, 120_000);
  afterAll(async () => {
    if (started !== undefined) {
      process.kill(started.pid, 'SIGTERM');
      await started.exited;
    }
    await database?.drop();
  });

  it('is node on dist/src/main.js, with no tsx anywhere in the process tree', () => {
    const tree = processTreeOf(started.pid);
    const gateways = tree.filter((pid) => commandLineOf(pid).includes('dist/src/main.js'));
    expect(gateways, tree.map((pid) => commandLineOf(pid).join(' ')).join('\n')).toHaveLength(1);
    expect(commandLineOf(gateways[0] ?? 0).slice(1)).toEqual(['--max-old-space-size=256', 'dist/src/main.js']);
    for (const pid of tree) {
      expect(commandLineOf(pid).join(' ')).not.toMatch(/tsx|\.ts\b/);
      expect(environmentVariableOf(pid, 'NODE_OPTIONS') ?? '').not.toMatch(/tsx/);
    }
  });

  it('answers /readyz and a GraphQL query that reaches the database and the in-process emulator', async () => {
    const ready = await fetch(`${started.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });

    const answer = await fetch(`${started.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ viewer { kind } banks(region: UAE) { identifier region } }' }),
    });
    const body = (await answer.json()) as { data?: { viewer: { kind: string }; banks: { identifier: string; region: string }[] }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.viewer.kind).toBe('SERVICE');
    expect(body.data?.banks.length).toBeGreaterThan(0);
    expect(body.data?.banks.every((bank) => bank.region === 'UAE')).toBe(true);
  });

  it('finds what it reads by path from dist/: package.json (its version) and the web app (web/dist)', async () => {
    expect(started.output.join('')).toMatch(new RegExp(`"version":"${packageVersion.replaceAll('.', '\\.')}"[^\\n]*"msg":"gateway ready"`));
    const page = await fetch(`${started.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root"></div>');
  });
});
