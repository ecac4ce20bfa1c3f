// Run by `postinstall`: prepares the embedded-database template. Never fails the install.
import { buildPgliteTemplate } from './pglite-template.js';

try {
  const started = performance.now();
  const path = await buildPgliteTemplate();
  process.stdout.write(`lean-gateway: embedded Postgres template ready (${Math.round(performance.now() - started)} ms): ${path}\n`);
} catch (error) {
  process.stdout.write(`lean-gateway: skipped the embedded Postgres template (${(error as Error).message}); the first start will run initdb instead\n`);
}
