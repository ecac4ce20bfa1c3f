// `npm run sandbox`: the Lean emulator on its own (LEAN_SANDBOX_PORT, default 4010), v1 and v2.
import { loadOrExit, loadSandboxConfig } from '../config.js';
import { createLogger } from '../log.js';
import { DEFAULT_SANDBOX_CLIENT_ID, DEFAULT_SANDBOX_CLIENT_SECRET } from './oauth.js';
import { startSandbox } from './server.js';

/** Defaults that make the seed docs' curl examples work as written, host swapped. */
const DOCUMENTED_APP_TOKEN = 'YOUR_APP_TOKEN';
const DEVELOPMENT_WEBHOOK_SECRET = 'sandbox-webhook-secret';

const config = loadOrExit(() => loadSandboxConfig());
const log = createLogger('info');
const sandbox = await startSandbox({
  ...config,
  appToken: config.appToken ?? DOCUMENTED_APP_TOKEN,
  webhookSecret: config.webhookSecret ?? DEVELOPMENT_WEBHOOK_SECRET,
  webhookUrl: () => config.webhookUrl,
  clientId: config.clientId ?? DEFAULT_SANDBOX_CLIENT_ID,
  clientSecret: config.clientSecret ?? DEFAULT_SANDBOX_CLIENT_SECRET,
  log,
});
log.info(
  {
    url: sandbox.url,
    seed: config.seed,
    appToken: config.appToken === undefined ? 'the documented YOUR_APP_TOKEN' : 'from LEAN_APP_TOKEN',
    clientId: config.clientId ?? DEFAULT_SANDBOX_CLIENT_ID,
    // The secret itself is never logged, only where it came from.
    clientSecret: config.clientSecret === undefined ? 'the default (README, "Lean, real or emulated")' : 'from LEAN_CLIENT_SECRET',
    webhooks: config.webhookUrl ?? 'kept in GET /sandbox/webhooks only',
  },
  'Lean emulator ready',
);
const stop = () => {
  void sandbox.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
