import { startGateway, type Gateway } from './app.js';
import { loadConfig, loadOrExit } from './config.js';
import { createLogger } from './log.js';

const config = loadOrExit(() => loadConfig());

const log = createLogger(config.logLevel);
process.on('unhandledRejection', (reason) => {
  log.fatal({ err: reason }, 'unhandled promise rejection');
  process.exit(1);
});

// Handlers go in before start-up: a signal that arrives while starting stops the gateway once it is up.
let gateway: Gateway | undefined;
let stopRequested = false;
const stopAndExit = (running: Gateway) =>
  running.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
const onSignal = (signal: NodeJS.Signals) => {
  log.info({ signal }, 'signal received');
  stopRequested = true;
  if (gateway !== undefined) void stopAndExit(gateway);
};
process.once('SIGTERM', onSignal);
process.once('SIGINT', onSignal);

try {
  gateway = await startGateway(config, log);
  if (stopRequested) void stopAndExit(gateway);
} catch (error) {
  log.fatal({ err: error }, 'gateway failed to start');
  process.exit(1);
}
