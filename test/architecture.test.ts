import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './kit/gateway.js';

/** One import of a source file: where it points (a path under src/, or a package) and whether it survives compilation. */
interface SourceImport {
  readonly target: string;
  /** `import type` / `export type`: erased, never loaded. */
  readonly typeOnly: boolean;
  /** `import('…')`: loaded only when that code runs. */
  readonly dynamic: boolean;
}

const sourceRoot = join(projectRoot, 'src');

function sourceFiles(directory: string = sourceRoot): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(projectRoot, path)] : [];
  });
}

/** The imports of a file, read by TypeScript's parser; relative ones as project paths (`src/lean/api.ts`). */
function importsOf(file: string): SourceImport[] {
  const source = ts.createSourceFile(file, readFileSync(join(projectRoot, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const found: SourceImport[] = [];
  const add = (specifier: string, typeOnly: boolean, dynamic: boolean) => {
    const target = specifier.startsWith('.') ? relative(projectRoot, resolve(dirname(join(projectRoot, file)), specifier)).replace(/\.js$/, '.ts') : specifier;
    found.push({ target, typeOnly, dynamic });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.importClause?.isTypeOnly === true, false);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly, false);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [specifier] = node.arguments;
      if (specifier !== undefined && ts.isStringLiteral(specifier)) add(specifier.text, false, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const files = sourceFiles();
const imports = new Map(files.map((file) => [file, importsOf(file)]));

/** Every project file `entry` loads when it starts: static imports that survive compilation, followed (with `dynamic`, `import()` too). */
function loadedFrom(entry: string, options: { dynamic: boolean } = { dynamic: false }): Set<string> {
  const loaded = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (loaded.has(file)) continue;
    loaded.add(file);
    for (const { target, typeOnly, dynamic } of imports.get(file) ?? []) {
      if (!typeOnly && (options.dynamic || !dynamic) && imports.has(target)) pending.push(target);
    }
  }
  return loaded;
}

/** `file → target` for each import (type-only ones included: a layer must not know of another) from `from` into `into`. */
function crossings(from: string, into: readonly string[]): string[] {
  return files
    .filter((file) => file.startsWith(from))
    .flatMap((file) => (imports.get(file) ?? []).filter(({ target }) => into.some((folder) => target.startsWith(folder))).map(({ target }) => `${file} → ${target}`));
}

describe('the folders import one way', () => {
  it('reads the imports it checks (a walker that finds nothing would pass every rule)', () => {
    expect(files).toContain('src/main.ts');
    expect(imports.get('src/store/accounts-store.ts')?.map((i) => i.target)).toContain('src/store/entities-store.ts');
    expect(loadedFrom('src/main.ts')).toContain('src/lean/v1/client.ts');
  });

  it('store imports nothing from lean, data, schema, webhooks, http or sandbox', () => {
    expect(crossings('src/store/', ['src/lean/', 'src/data/', 'src/schema/', 'src/webhooks/', 'src/http/', 'src/sandbox/'])).toEqual([]);
  });

  it('lean imports nothing from sandbox, store, data, schema, webhooks or http', () => {
    expect(crossings('src/lean/', ['src/sandbox/', 'src/store/', 'src/data/', 'src/schema/', 'src/webhooks/', 'src/http/'])).toEqual([]);
  });

  it('schema reads through data only: nothing from lean, store, db, webhooks or sandbox', () => {
    expect(crossings('src/schema/', ['src/lean/', 'src/store/', 'src/db/', 'src/webhooks/', 'src/sandbox/'])).toEqual([]);
  });

  it('model imports nothing outside model', () => {
    const outside = files
      .filter((file) => file.startsWith('src/model/'))
      .flatMap((file) => (imports.get(file) ?? []).filter(({ target }) => !target.startsWith('src/model/')).map(({ target }) => `${file} → ${target}`));
    expect(outside).toEqual([]);
  });

  it('data and webhooks speak to Lean through LeanApi, never through one generation', () => {
    expect(crossings('src/data/', ['src/lean/v1/', 'src/lean/v2/', 'src/sandbox/', 'src/schema/', 'src/http/'])).toEqual([]);
    expect(crossings('src/webhooks/', ['src/lean/v1/', 'src/lean/v2/', 'src/sandbox/', 'src/schema/'])).toEqual([]);
    expect(crossings('src/app.ts', ['src/lean/v1/', 'src/lean/v2/'])).toEqual([]);
  });
});

describe('a start against Lean', () => {
  it('never loads the emulator: src/main.ts reaches src/sandbox/ only through the embedded start’s dynamic import', () => {
    const production = [...loadedFrom('src/main.ts')];
    expect(production.filter((file) => file.startsWith('src/sandbox/'))).toEqual([]);
    // The zero-config start does load it: the walk above would see the emulator if it were imported statically.
    expect([...loadedFrom('src/main.ts', { dynamic: true })].filter((file) => file.startsWith('src/sandbox/'))).toContain('src/sandbox/server.ts');
  });
});
