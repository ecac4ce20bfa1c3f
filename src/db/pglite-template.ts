import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { projectPath } from '../project-root.js';

/**
 * A freshly initialised PGlite data directory, dumped once at install time (`postinstall`).
 * Restoring it takes about a quarter of the time initdb does, which keeps the first start of a
 * new clone within its 5-second budget. It holds no schema: migrations still run at start-up.
 */
async function templatePath(): Promise<string> {
  const pkg = JSON.parse(await readFile(projectPath('node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string };
  return projectPath('node_modules', '.cache', 'lean-gateway', `pglite-${pkg.version}.tar`);
}

export async function buildPgliteTemplate(): Promise<string> {
  const target = await templatePath();
  const client = await PGlite.create('memory://');
  try {
    const dump = await client.dumpDataDir('none');
    await mkdir(dirname(target), { recursive: true });
    const partial = `${target}.${process.pid}.partial`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, target); // readers never see half a file
    return target;
  } finally {
    await client.close();
  }
}

/** The template, or undefined when it was not built (install scripts skipped): initdb then runs. */
export async function readPgliteTemplate(): Promise<Blob | undefined> {
  try {
    return new Blob([await readFile(await templatePath())]);
  } catch {
    return undefined;
  }
}
