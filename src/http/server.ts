import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Database } from '../db/database.js';
import type { Logger } from '../log.js';
import type { ErrorCode } from '../model/error-codes.js';
import { WEBHOOK_PATH } from '../webhooks/receive.js';
import type { CorsPolicy } from './cors.js';
import { GRAPHIQL_ASSETS_PREFIX, serveGraphiQLAsset } from './graphiql.js';
import { GRAPHQL_PATH, type createGraphQLHandler } from './graphql.js';
import { admitGraphQLBody } from './graphql-body.js';
import { sendJson } from './send-json.js';
import type { WebAppRoute } from './web-app.js';

const READINESS_TIMEOUT_MS = 2_000;
const REQUEST_ID_SHAPE = /^[A-Za-z0-9._:-]{1,128}$/;

export interface HttpServerOptions {
  log: Logger;
  database: Database;
  graphql: ReturnType<typeof createGraphQLHandler>;
  /** Applied to every route before it runs; preflights are answered by it. */
  cors: CorsPolicy;
  /** `GET /graphiql/<version>/…`: GraphiQL's own files, served where GraphiQL is (outside production). */
  graphiqlAssets: boolean;
  /** `POST /webhooks/lean`. */
  webhooks: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** True once shutdown has begun: readiness turns 503 so load balancers stop sending traffic. */
  isDraining: () => boolean;
  /** `GET /metrics` (services only), unless metrics have a port of their own. */
  metrics?: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  /** The web app at `/` and other non-API paths, when served. */
  webApp?: WebAppRoute | undefined;
  /** `/dev/*` (development sign-in and config; see dev-routes.ts): true when it answered. */
  dev?: ((req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>) | undefined;
}

/** Routes: /graphql (yoga; graphql-ws upgrades too), /graphiql/… (its assets, outside production), /webhooks/lean, /healthz (the process answers), /readyz (the database answers), /dev/… (development only), and the web app at / when served. */
export function createHttpServer({ log, database, graphql, cors, graphiqlAssets, webhooks, isDraining, metrics, webApp, dev }: HttpServerOptions): Server {
  const logRequest = pinoHttp({
    logger: log,
    // A caller's own request id is kept when it is a sane token, so logs join across services.
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID_SHAPE.test(incoming) ? incoming : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    // A GET operation's query string holds its document and variables (anything a caller sends): only the path is logged.
    serializers: { req: (req: { url?: string }) => ({ ...req, url: req.url?.replace(/\?.*$/s, '?[query not logged]') }) },
    customLogLevel: (_req, res, error) => (error !== undefined || res.statusCode >= 500 ? 'error' : 'info'),
  });

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void> | void> = {
    '/healthz': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    '/readyz': async (req, res) => {
      if (isDraining()) return sendJson(res, 503, { status: 'unavailable', reason: 'shutting down' });
      try {
        await database.ping(READINESS_TIMEOUT_MS);
        sendJson(res, 200, { status: 'ready', database: database.kind });
      } catch (error) {
        const reason = describeDatabaseFailure(error);
        req.log.warn({ reason }, 'not ready: database does not answer');
        sendJson(res, 503, { status: 'unavailable', reason: `database: ${reason}` });
      }
    },
    ...(metrics !== undefined && { '/metrics': metrics }),
  };

  return createServer((req, res) => {
    logRequest(req, res);
    if (cors.handle(req, res)) return;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === GRAPHQL_PATH) {
      admitGraphQLBody(req, res)
        .then((admitted) => (admitted ? graphql.serveHttp(req, res) : undefined))
        .catch((error: unknown) => {
          req.log.warn({ err: { message: error instanceof Error ? error.message : 'unknown' } }, 'graphql request not read');
          if (!res.headersSent) sendJson(res, 400, { errors: [{ message: 'The request body could not be read', extensions: { code: 'BAD_REQUEST' satisfies ErrorCode } }] });
        });
      return;
    }
    if (graphiqlAssets && path.startsWith(GRAPHIQL_ASSETS_PREFIX)) {
      serveGraphiQLAsset(req, res, path);
      return;
    }
    if (path === WEBHOOK_PATH) {
      webhooks(req, res).catch((error: unknown) => {
        req.log.error({ err: { message: error instanceof Error ? error.message : 'unknown' } }, 'webhook route failed');
        if (!res.headersSent) sendJson(res, 503, { error: 'not stored; deliver again' });
      });
      return;
    }
    if (dev !== undefined && path.startsWith('/dev/')) {
      dev(req, res, path)
        .then((answered) => (answered ? undefined : sendJson(res, 404, { error: 'not found' })))
        .catch((error: unknown) => {
          req.log.error({ err: { message: error instanceof Error ? error.message : 'unknown' } }, 'dev route failed');
          if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        });
      return;
    }
    const route = routes[path];
    if (route === undefined && webApp !== undefined) {
      void webApp(req, res)
        .then((served) => served || sendJson(res, 404, { error: 'not found' }))
        .catch((error: unknown) => {
          req.log.error({ err: error }, 'web app route failed');
          if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        });
      return;
    }
    if (route === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) {
      sendJson(res, route === undefined ? 404 : 405, { error: route === undefined ? 'not found' : 'method not allowed' });
      return;
    }
    Promise.resolve(route(req, res)).catch((error: unknown) => {
      req.log.error({ err: error }, 'route failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    });
  });
}

/** A short reason without connection strings or credentials: an error code or a fixed phrase. */
function describeDatabaseFailure(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[A-Z0-9_]+$/.test(code)) return `unreachable (${code})`;
  const message = error instanceof Error ? error.message : '';
  if (/no answer within/.test(message)) return message;
  if (/timeout/i.test(message)) return 'connection timed out';
  if (/terminat|closed|ended/i.test(message)) return 'connection closed';
  return 'unreachable';
}
