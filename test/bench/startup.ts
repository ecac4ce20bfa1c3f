// `npm run bench:start`: how long `npm start` takes until /readyz answers 200, on a fresh embedded
// database (first start of a new clone), on the same folder again (restart), and on the Postgres
// server when DATABASE_URL is set. Prints figures; asserts nothing.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../kit/gateway.js';

const PORT = 4590;

async function timeToReady(env: Record<string, string>): Promise<number> {
  const started = performance.now();
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(PORT|DATABASE_URL|PGLITE_DIR)$/.test(key)));
  const child = spawn('npm', ['start'], { cwd: projectRoot, env: { ...inherited, PORT: String(PORT), LOG_LEVEL: 'warn', ...env }, stdio: 'ignore', detached: true });
  try {
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${PORT}/readyz`).then((r) => r.status === 200, () => false);
      if (ready) return performance.now() - started;
      if (performance.now() - started > 60_000) throw new Error('not ready within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    process.kill(-(child.pid ?? 0), 'SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const dir = await mkdtemp(join(tmpdir(), 'gw-bench-start-'));
try {
  const rows: [string, number][] = [];
  rows.push(['npm start, fresh PGLITE_DIR (first start)', await timeToReady({ PGLITE_DIR: dir })]);
  for (let i = 1; i <= 3; i++) rows.push([`npm start, same PGLITE_DIR (restart ${i})`, await timeToReady({ PGLITE_DIR: dir })]);
  const url = process.env['DATABASE_URL'];
  if (url) for (let i = 1; i <= 3; i++) rows.push([`npm start, DATABASE_URL (start ${i})`, await timeToReady({ DATABASE_URL: url })]);
  for (const [label, ms] of rows) process.stdout.write(`${label.padEnd(48)} ${Math.round(ms).toString().padStart(6)} ms to /readyz 200\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
