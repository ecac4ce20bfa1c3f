import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/model/error-codes.js';
import { projectRoot } from './kit/gateway.js';

/** The codes of the README's "Error codes" table, in its order (the first cell of each row, in backticks). */
function readmeErrorCodes(): string[] {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Error codes\n');
  expect(start, 'README.md has a section "## Error codes"').toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((match) => match[1] ?? '');
}

/** `code: 'SOME_CODE'` literals in the gateway's source (the emulator's are Lean's codes, not the gateway's). */
function codeLiteralsInSource(directory = join(projectRoot, 'src')): { file: string; code: string }[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'sandbox' ? [] : codeLiteralsInSource(path);
    if (!entry.name.endsWith('.ts')) return [];
    const file = relative(projectRoot, path);
    return [...readFileSync(path, 'utf8').matchAll(/\bcode: '([A-Z][A-Z_]+)'/g)].map((match) => ({ file, code: match[1] ?? '' }));
  });
}

describe('error codes', () => {
  const listed = Object.keys(ERROR_CODES);

  it("the README's table lists exactly the codes of src/model/error-codes.ts, each once", () => {
    const documented = readmeErrorCodes();
    expect(documented.length).toBeGreaterThan(20);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...listed].sort());
  });

  it('every code the source sets is listed', () => {
    const found = codeLiteralsInSource();
    expect(found.map(({ code }) => code)).toContain('QUERY_LIMIT_EXCEEDED');
    expect(found.filter(({ code }) => !listed.includes(code))).toEqual([]);
  });
});
