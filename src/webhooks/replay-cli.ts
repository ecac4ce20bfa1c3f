// `npm run webhooks:replay`: every FAILED webhook becomes due again; a running gateway applies it
// within a second (or the next one to start does).
import { ConfigError, loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createLogger } from '../log.js';
import { replayFailedWebhooks } from '../store/webhook-inbox-store.js';

try {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const database = await openDatabase(config.database, log);
  try {
    await migrateToLatest(database.db);
    const replayed = await replayFailedWebhooks(database.db);
    log.info({ replayed }, replayed > 0 ? 'failed webhooks are due again' : 'no failed webhooks');
    process.stdout.write(`${replayed} failed webhook(s) queued again\n`);
  } finally {
    await database.close();
  }
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `webhooks:replay failed: ${(error as Error).message}`}\n`);
  process.exitCode = 1;
}
