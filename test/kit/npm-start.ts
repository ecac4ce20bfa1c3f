import { execFile, spawn } from 'node:child_process';
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isRunning } from '../../src/db/directory-lock.js';
import { projectRoot } from './gateway.js';
import { LEAN_TEST_VERSION } from './lean-version.js';

/** Environment variables of the developer's shell that must not reach the gateway under test. */
const GATEWAY_VARIABLES = /^(PORT|HOST|NODE_ENV|LOG_LEVEL|DATABASE_|PGLITE_DIR|GATEWAY_|LEAN_|OTEL_|npm_)/;

export interface NpmStart {
  /** The npm process's pid: the gateway runs below it. */
  readonly pid: number;
  /** The gateway's base URL, from its `gateway ready` line. */
  readonly url: string;
  /** Everything npm and the gateway printed so far (stdout and stderr). */
  readonly output: string[];
  readonly exited: Promise<void>;
}

const BUILD_LOCK = join(projectRoot, 'node_modules', '.cache', 'lean-gateway', 'build.lock');

/**
 * Runs `npm start`'s own prestart (build dist/ when a source is newer), one test process at a time: test
 * files run in parallel, and two builds writing the same dist/ could hand a starting gateway a half-written file.
 */
export async function buildIfStale(): Promise<void> {
  await mkdir(join(BUILD_LOCK, '..'), { recursive: true });
  for (;;) {
    try {
      const handle = await open(BUILD_LOCK, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(await readFile(BUILD_LOCK, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && !isRunning(holder)) await unlink(BUILD_LOCK).catch(() => undefined);
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    const { scripts } = JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')) as { scripts: { prestart: string } };
    await promisify(execFile)('sh', ['-c', scripts.prestart], { cwd: projectRoot }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`the build (npm start's prestart) failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    });
  } finally {
    await unlink(BUILD_LOCK).catch(() => undefined);
  }
}

/** `npm start` as a user runs it, on its own database, on free ports; resolves once the gateway says it is ready. */
export async function npmStart(env: Record<string, string>): Promise<NpmStart> {
  await buildIfStale();
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !GATEWAY_VARIABLES.test(key)));
  const npm = spawn('npm', ['start'], {
    cwd: projectRoot,
    env: { ...inherited, NODE_ENV: 'test', PORT: '0', LEAN_SANDBOX_PORT: '0', LEAN_API_VERSION: LEAN_TEST_VERSION, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  npm.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    npm.stdout.on('data', (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      const ready = /"url":"([^"]+)"[^\n]*"msg":"gateway ready"/.exec(output.join(''));
      if (ready?.[1] !== undefined) resolve(ready[1]);
    });
    void exited.then(() => reject(new Error(`npm start exited before the gateway was ready:\n${output.join('')}`)));
  });
  if (npm.pid === undefined) throw new Error('npm start has no pid');
  return { pid: npm.pid, url, output, exited };
}
