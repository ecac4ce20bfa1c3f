// A process's tree and command line, read from /proc (Linux), for tests and benchmarks that start `npm start`.
import { readdirSync, readFileSync } from 'node:fs';

/** The pids below a process (children, theirs, …), from every thread's list of children. */
export function descendantsOf(pid: number): number[] {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((task) => {
    try {
      return readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
    } catch {
      return []; // the thread ended meanwhile
    }
  });
  return children.flatMap((child) => [child, ...descendantsOf(child)]);
}

/** The process and all its descendants. */
export function processTreeOf(pid: number): number[] {
  return [pid, ...descendantsOf(pid)];
}

/** A process's argv as the kernel holds it (`['node', '--max-old-space-size=256', 'dist/src/main.js']`). */
export function commandLineOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

/** One variable of the environment a process started with; undefined when it has none of that name. */
export function environmentVariableOf(pid: number, name: string): string | undefined {
  const entry = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((line) => line.startsWith(`${name}=`));
  return entry?.slice(name.length + 1);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}
