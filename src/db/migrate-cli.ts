// `npm run migrate`: brings the configured database (DATABASE_URL or PGLITE_DIR) to the newest schema.
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { openDatabase } from './database.js';
import { migrateToLatest } from './migrate.js';

try {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const database = await openDatabase(config.database, log);
  try {
    const applied = await migrateToLatest(database.db);
    log.info({ applied, database: database.kind }, applied.length > 0 ? 'migrations applied' : 'schema already up to date');
  } finally {
    await database.close();
  }
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `migrate failed: ${(error as Error).message}`}\n`);
  process.exitCode = 1;
}
