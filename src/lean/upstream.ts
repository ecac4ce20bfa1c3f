import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { startSandbox, type RunningSandbox } from '../sandbox/server.js';
import { LeanClient } from './client.js';
import { LeanTransport, type LeanCallObserver } from './transport.js';

export interface Upstream {
  readonly lean: LeanClient;
  /** The in-process emulator, when the gateway runs without LEAN_API_URL / LEAN_ENV. */
  readonly sandbox: RunningSandbox | undefined;
  /** The application token (configured, or generated for the embedded emulator); `Lean.connect` needs it. */
  readonly appToken: string;
  /** The secret `lean-signature` is checked with (configured, or shared with the embedded emulator). */
  readonly webhookSecret: string | undefined;
  close(): Promise<void>;
}

/**
 * Lean's API as configured, or the emulator started in this process with a generated app token and
 * webhook secret shared by both, its webhooks addressed to this gateway's /webhooks/lean.
 */
export async function connectUpstream(config: Config, log: Logger, gatewayUrl: () => string | undefined, observer?: LeanCallObserver): Promise<Upstream> {
  const { lean: settings } = config;
  // Read before anything starts, so a bad file leaves nothing running behind it.
  const tls =
    settings.tls === undefined
      ? undefined
      : {
          cert: await readFile(settings.tls.certFile, 'utf8'),
          key: await readFile(settings.tls.keyFile, 'utf8'),
          ca: settings.tls.caFile === undefined ? undefined : await readFile(settings.tls.caFile, 'utf8'),
        };
  let sandbox: RunningSandbox | undefined;
  let baseUrl: string;
  let appToken: string;
  let webhookSecret = settings.webhookSecret;
  if (settings.upstream.kind === 'remote') {
    ({ baseUrl, appToken } = settings.upstream);
  } else {
    appToken = randomBytes(24).toString('base64url');
    webhookSecret ??= randomBytes(32).toString('base64url');
    sandbox = await startSandbox({
      ...config.sandbox,
      appToken,
      webhookSecret,
      webhookUrl: () => {
        const gateway = gatewayUrl();
        return config.sandbox.webhookUrl ?? (gateway === undefined ? undefined : `${gateway}/webhooks/lean`);
      },
      // With embedded Postgres the emulator keeps its customers and entities beside the gateway's data.
      stateFile: config.sandbox.stateFile ?? (config.database.kind === 'pglite' ? join(resolve(config.database.dir), 'lean-sandbox.json') : undefined),
      log: log.child({ component: 'lean-sandbox' }),
    });
    baseUrl = sandbox.url;
    log.info({ url: baseUrl }, 'no LEAN_API_URL or LEAN_ENV: Lean emulator started in this process');
  }
  const lean = new LeanClient(
    new LeanTransport({
      baseUrl,
      appToken,
      tls,
      timeoutMs: settings.timeoutMs,
      maxConcurrency: settings.maxConcurrency,
      maxRetries: settings.maxRetries,
      circuit: settings.circuit,
      observer,
      log: log.child({ component: 'lean' }),
    }),
  );
  return {
    lean,
    sandbox,
    appToken,
    webhookSecret,
    close: async () => {
      await lean.close();
      await sandbox?.close();
    },
  };
}
