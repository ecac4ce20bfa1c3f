import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Config } from './config.js';
import type { LeanApi, LeanApiVersion } from './lean/api.js';
import { LeanTransport, type LeanCallObserver, type LeanTransportOptions } from './lean/transport.js';
import { LeanV1Client } from './lean/v1/client.js';
import { createLeanV2Client } from './lean/v2/client.js';
import type { Logger } from './log.js';
import type { RunningSandbox } from './sandbox/server.js';

export interface Upstream {
  readonly lean: LeanApi;
  /** The in-process emulator, when the gateway runs without LEAN_API_URL / LEAN_ENV. */
  readonly sandbox: RunningSandbox | undefined;
  /** The application token (configured, or generated for the embedded emulator); `Lean.connect` needs it. */
  readonly appToken: string;
  /** The secret `lean-signature` is checked with (configured, or shared with the embedded emulator). */
  readonly webhookSecret: string | undefined;
  close(): Promise<void>;
}

/** Where the client sends its calls, and how it authenticates (v2 adds OAuth2 client credentials). */
export interface LeanConnection {
  readonly baseUrl: string;
  readonly appToken: string;
  readonly oauth?: { readonly authUrl: string; readonly clientId: string; readonly clientSecret: string } | undefined;
}

type TransportSettings = Omit<LeanTransportOptions, 'baseUrl' | 'appToken'>;

/**
 * The client of the configured generation of Lean's API: the one place a generation is chosen.
 * Everything downstream sees only `LeanApi`.
 */
export function createLeanApi(version: LeanApiVersion, connection: LeanConnection, transport: TransportSettings): LeanApi {
  switch (version) {
    case 'v1':
      return new LeanV1Client(new LeanTransport({ ...transport, baseUrl: connection.baseUrl, appToken: connection.appToken }));
    case 'v2': {
      if (connection.oauth === undefined) throw new Error("Lean's v2 API needs OAuth2 client credentials");
      const { tls, timeoutMs, maxConcurrency, maxRetries, circuit, observer, log, retryBaseMs, retryMaxMs } = transport;
      return createLeanV2Client({ baseUrl: connection.baseUrl, ...connection.oauth, tls, timeoutMs, maxConcurrency, maxRetries, circuit, observer, log, retryBaseMs, retryMaxMs });
    }
  }
}

/**
 * Lean's API as configured, or the emulator started in this process with a generated app token and
 * webhook secret shared by both, its webhooks addressed to this gateway's /webhooks/lean. The
 * emulator's modules are loaded only then: a start against Lean never loads `src/sandbox/`.
 */
export async function connectUpstream(config: Config, log: Logger, gatewayUrl: () => string | undefined, observer?: LeanCallObserver): Promise<Upstream> {
  const { lean: settings } = config;
  const { upstream } = settings;
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
  let connection: LeanConnection;
  let webhookSecret = settings.webhookSecret;
  if (upstream.kind === 'remote') {
    connection =
      upstream.version === 'v1'
        ? { baseUrl: upstream.baseUrl, appToken: upstream.appToken }
        : { baseUrl: upstream.baseUrl, appToken: upstream.appToken, oauth: { authUrl: upstream.authUrl, clientId: upstream.clientId, clientSecret: upstream.clientSecret } };
  } else {
    // Credentials generated for this process and shared with its emulator: nothing to configure, nothing to leak.
    const appToken = randomBytes(24).toString('base64url');
    const clientId = `gateway-${randomBytes(8).toString('hex')}`;
    const clientSecret = randomBytes(32).toString('base64url');
    webhookSecret ??= randomBytes(32).toString('base64url');
    const { startSandbox } = await import('./sandbox/server.js');
    sandbox = await startSandbox({
      ...config.sandbox,
      appToken,
      clientId,
      clientSecret,
      webhookSecret,
      webhookUrl: () => {
        const gateway = gatewayUrl();
        return config.sandbox.webhookUrl ?? (gateway === undefined ? undefined : `${gateway}/webhooks/lean`);
      },
      // With embedded Postgres the emulator keeps its customers and entities beside the gateway's data.
      stateFile: config.sandbox.stateFile ?? (config.database.kind === 'pglite' ? join(resolve(config.database.dir), 'lean-sandbox.json') : undefined),
      log: log.child({ component: 'lean-sandbox' }),
    });
    // The emulator answers the token call itself, on its own host (LEAN_AUTH_URL = LEAN_API_URL).
    connection = { baseUrl: sandbox.url, appToken, oauth: { authUrl: sandbox.url, clientId, clientSecret } };
    log.info({ url: sandbox.url, leanApiVersion: upstream.version }, 'no LEAN_API_URL or LEAN_ENV: Lean emulator started in this process');
  }
  const lean = createLeanApi(upstream.version, connection, {
    tls,
    timeoutMs: settings.timeoutMs,
    maxConcurrency: settings.maxConcurrency,
    maxRetries: settings.maxRetries,
    circuit: settings.circuit,
    observer,
    log: log.child({ component: 'lean' }),
  });
  return {
    lean,
    sandbox,
    appToken: connection.appToken,
    webhookSecret,
    close: async () => {
      await lean.close();
      await sandbox?.close();
    },
  };
}
