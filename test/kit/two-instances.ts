import { createTestDatabase, type TestDatabase } from './database.js';
import { startTestGateway, type TestGateway } from './gateway.js';
import { startTestSandbox, TEST_APP_TOKEN, TEST_WEBHOOK_SECRET, type TestSandbox } from './sandbox.js';

/** Two gateway instances on one Postgres database, speaking to one emulator (which sends no webhooks of its own). */
export interface TwoInstances {
  readonly sandbox: TestSandbox;
  readonly database: TestDatabase;
  readonly first: TestGateway;
  readonly second: TestGateway;
  stop(): Promise<void>;
}

/** Starts them with Lean's v1 app token and the test webhook secret; `env` adds to (or overrides) their settings. */
export async function startTwoInstances(label: string, env: Record<string, string> = {}): Promise<TwoInstances> {
  const sandbox = await startTestSandbox();
  const database = await createTestDatabase(label);
  const settings = { ...database.env, LEAN_API_URL: sandbox.url, LEAN_APP_TOKEN: TEST_APP_TOKEN, LEAN_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET, ...env };
  const first = await startTestGateway(settings);
  const second = await startTestGateway(settings);
  return {
    sandbox,
    database,
    first,
    second,
    async stop() {
      await first.stop();
      await second.stop();
      await sandbox.close();
      await database.drop();
    },
  };
}
