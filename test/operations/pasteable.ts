import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Kind, parse, visit, type ASTNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';

/**
 * The example operations share fragments with fragments.graphql (fragment names are unique across
 * codegen's documents), so one file alone is not a valid document. This prints one operation with
 * exactly the fragments it uses, transitively: a document to paste into GraphiQL.
 *
 *   npm run operation -- CustomerOverview    (no name: the list of operations)
 */

const directory = fileURLToPath(new URL('.', import.meta.url));

interface Examples {
  readonly operations: ReadonlyMap<string, OperationDefinitionNode>;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
}

function readExamples(): Examples {
  const operations = new Map<string, OperationDefinitionNode>();
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const file of readdirSync(directory).filter((name) => name.endsWith('.graphql')).sort()) {
    for (const definition of parse(readFileSync(join(directory, file), 'utf8')).definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION && definition.name !== undefined) operations.set(definition.name.value, definition);
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
  }
  return { operations, fragments };
}

/** The names of the example operations, in file order. */
export function exampleOperationNames(): string[] {
  return [...readExamples().operations.keys()];
}

/** The operation's text as written, followed by each fragment it spreads (and those spread by them), once each. */
export function pasteableOperation(name: string): string {
  const { operations, fragments } = readExamples();
  const operation = operations.get(name);
  if (operation === undefined) throw new Error(`no example operation named ${name}; there are: ${[...operations.keys()].join(', ')}`);
  const used: FragmentDefinitionNode[] = [];
  const seen = new Set<string>();
  const collect = (node: ASTNode): void => {
    visit(node, {
      FragmentSpread: (spread) => {
        const fragment = fragments.get(spread.name.value);
        if (fragment === undefined) throw new Error(`${name} spreads ${spread.name.value}, which no file defines`);
        if (seen.has(fragment.name.value)) return;
        seen.add(fragment.name.value);
        used.push(fragment);
        collect(fragment);
      },
    });
  };
  collect(operation);
  return [operation, ...used].map(sourceOf).join('\n\n') + '\n';
}

function sourceOf(node: OperationDefinitionNode | FragmentDefinitionNode): string {
  const location = node.loc;
  if (location === undefined) throw new Error('parsed without locations');
  return location.source.body.slice(location.start, location.end);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const name = process.argv[2];
  if (name === undefined) {
    process.stdout.write(`${exampleOperationNames().join('\n')}\n`);
  } else {
    try {
      process.stdout.write(pasteableOperation(name));
    } catch (error) {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  }
}
