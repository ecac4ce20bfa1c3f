import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Authenticate } from '../auth/authenticate.js';
import type { Logger } from '../log.js';
import type { ErrorCode } from '../model/error-codes.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { sendJson } from './send-json.js';

export const METRICS_PATH = '/metrics';

type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Writes the exposition text. */
function answerMetrics(metrics: GatewayMetrics): Route {
  return async (req, res) => {
    const { contentType, body } = await metrics.exposition();
    res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

/**
 * `GET /metrics` on the main port: for services only (an API key; the development principal in
 * development). No credentials is 401, an end user 403, invalid credentials 401.
 */
export function metricsForServices(metrics: GatewayMetrics, authenticate: Authenticate): Route {
  const answer = answerMetrics(metrics);
  return async (req, res) => {
    let kind: string;
    try {
      kind = (await authenticate(req.headers.authorization)).kind;
    } catch {
      kind = 'invalid';
    }
    if (kind === 'service') return answer(req, res);
    if (kind === 'endUser') return sendJson(res, 403, { error: 'metrics are for services (an API key)', code: 'FORBIDDEN' satisfies ErrorCode });
    sendJson(res, 401, { error: 'metrics need a service API key', code: 'UNAUTHENTICATED' satisfies ErrorCode }, { 'www-authenticate': 'Bearer' });
  };
}

export interface MetricsServer {
  /** e.g. http://127.0.0.1:9464 */
  readonly url: string;
  close(): Promise<void>;
}

/** A second, small server answering only `GET /metrics`, without credentials: bind it where only scrapers reach. */
export async function startMetricsServer(metrics: GatewayMetrics, host: string, port: number, log: Logger): Promise<MetricsServer> {
  const answer = answerMetrics(metrics);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== METRICS_PATH) return sendJson(res, 404, { error: 'not found' });
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method not allowed' });
    answer(req, res).catch((error: unknown) => {
      log.error({ err: { message: error instanceof Error ? error.message : 'unknown' } }, 'metrics could not be collected');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shown === '0.0.0.0' || shown === '[::]' ? '127.0.0.1' : shown}:${address.port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
