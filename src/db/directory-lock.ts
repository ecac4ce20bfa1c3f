import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface DirectoryLock {
  release(): Promise<void>;
}

export class DirectoryLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `PGLITE_DIR ${dir} is in use by process ${pid}; embedded Postgres serves one gateway process. ` +
        'Stop it, choose another PGLITE_DIR, or set DATABASE_URL to run several instances on a Postgres server.',
    );
    this.name = 'DirectoryLockedError';
  }
}

const LOCK_FILE = 'gateway.pid';

/** An exclusive pid file; a file left by a process that no longer runs is taken over. */
export async function acquireDirectoryLock(dir: string): Promise<DirectoryLock> {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return { release: () => unlink(file).catch(() => undefined) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isRunning(holder)) {
        throw new DirectoryLockedError(dir, holder);
      }
      await unlink(file).catch(() => undefined);
    }
  }
  throw new Error(`could not take the lock file in ${dir}`);
}

/** Whether a process with this pid is alive (one we may not signal counts as alive). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
