// `npm run schema:print` writes schema.graphql from the Pothos schema;
// `npm run schema:check` fails when the committed file differs from it.
import { readFile, writeFile } from 'node:fs/promises';
import { printSchema } from 'graphql';
import { projectPath } from '../project-root.js';
import { gatewaySchema } from './index.js';

const target = projectPath('schema.graphql');
const printed = `${printSchema(gatewaySchema())}\n`;

if (process.argv.includes('--check')) {
  const committed = await readFile(target, 'utf8').catch(() => '');
  if (committed !== printed) {
    process.stderr.write('schema.graphql is out of date with the Pothos schema: run `npm run schema:print` and commit it.\n');
    process.exitCode = 1;
  } else {
    process.stdout.write('schema.graphql matches the Pothos schema.\n');
  }
} else {
  await writeFile(target, printed);
  process.stdout.write(`wrote ${target}\n`);
}
