import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder at or above `start` that holds a package.json. */
function folderWithPackageJson(start: string): string {
  for (let folder = start; ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json'))) return folder;
    if (dirname(folder) === folder) throw new Error(`no package.json at or above ${start}`);
  }
}

/**
 * The checkout's root folder (package.json, web/dist, node_modules). Found by walking up rather than by
 * a fixed `../..`, because this file runs from src/ under tsx and from dist/src/ in the build.
 */
export const projectRoot = folderWithPackageJson(dirname(fileURLToPath(import.meta.url)));

/** A path below the project root, e.g. `projectPath('web', 'dist')`. */
export function projectPath(...segments: string[]): string {
  return join(projectRoot, ...segments);
}
