// `npm run bench:start`: how long `npm start` takes until /readyz answers 200, on a fresh embedded
// database (first start of a new clone), on the same folder again (restart), and on the Postgres
// server when DATABASE_URL is set; with the resident memory and the CPU time of what npm started at that
// moment (Linux: /proc), the CPU time being the figure a busy machine disturbs least. Prints figures; asserts nothing.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../kit/gateway.js';
import { buildIfStale } from '../kit/npm-start.js';
import { descendantsOf } from '../kit/processes.js';
import { cpuMsOf, memoryOf } from './kit.js';

const PORT = 4590;

interface Start {
  readonly ms: number;
  /** VmRSS summed over the processes below npm (the gateway, and whatever it runs) when /readyz first answered 200. */
  readonly rssMb: number;
  /** CPU time (user + system) those processes had used by then. */
  readonly cpuMs: number;
}

/** Summed VmRSS and CPU time of the processes below `pid`; NaN where /proc is missing. */
function usageBelow(pid: number): { rssMb: number; cpuMs: number } {
  try {
    const below = descendantsOf(pid);
    return { rssMb: below.reduce((sum, one) => sum + memoryOf(one).rssMb, 0), cpuMs: below.reduce((sum, one) => sum + cpuMsOf(one), 0) };
  } catch {
    return { rssMb: Number.NaN, cpuMs: Number.NaN };
  }
}

async function timeToReady(env: Record<string, string>): Promise<Start> {
  const started = performance.now();
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(PORT|DATABASE_URL|PGLITE_DIR)$/.test(key)));
  const child = spawn('npm', ['start'], { cwd: projectRoot, env: { ...inherited, PORT: String(PORT), LOG_LEVEL: 'warn', ...env }, stdio: 'ignore', detached: true });
  try {
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${PORT}/readyz`).then((r) => r.status === 200, () => false);
      if (ready) return { ms: performance.now() - started, ...usageBelow(child.pid ?? 0) };
      if (performance.now() - started > 60_000) throw new Error('not ready within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    process.kill(-(child.pid ?? 0), 'SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

await buildIfStale(); // the figures are of starts, never of a build
const dir = await mkdtemp(join(tmpdir(), 'gw-bench-start-'));
try {
  const rows: [string, Start][] = [];
  rows.push(['npm start, fresh PGLITE_DIR (first start)', await timeToReady({ PGLITE_DIR: dir })]);
  for (let i = 1; i <= 3; i++) rows.push([`npm start, same PGLITE_DIR (restart ${i})`, await timeToReady({ PGLITE_DIR: dir })]);
  const url = process.env['DATABASE_URL'];
  if (url) for (let i = 1; i <= 3; i++) rows.push([`npm start, DATABASE_URL (start ${i})`, await timeToReady({ DATABASE_URL: url })]);
  for (const [label, { ms, rssMb, cpuMs }] of rows) {
    process.stdout.write(`${label.padEnd(48)} ${Math.round(ms).toString().padStart(6)} ms to /readyz 200, RSS ${Math.round(rssMb)} MB, CPU ${cpuMs} ms\n`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
