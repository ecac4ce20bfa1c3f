import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PothosValidationError } from '@pothos/core';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { createYoga, isAsyncIterable, maskError, useErrorHandler, type Plugin, type YogaLogger } from 'graphql-yoga';
import type { DataDependencies } from '../data/context.js';
import { GatewayData } from '../data/gateway-data.js';
import { publishEvent, type EventHub } from '../events/bus.js';
import type { Authenticate } from '../auth/authenticate.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { ErrorCode } from '../model/error-codes.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { operationTracingPlugins } from '../observability/tracing.js';
import type { GatewayContext, LinkSettings } from '../schema/context.js';
import { useAccessPolicy } from './access-policy.js';
import { useCredentialExpiry } from './credential-expiry.js';
import { ResponseCache } from './response-cache.js';
import type { PrincipalRateLimiter } from './rate-limiter.js';
import { useSharedSubscriptionEvents } from './shared-subscription-events.js';
import { useSseEventIds } from './sse-event-ids.js';
import { MAX_BODY_BYTES } from './body-limit.js';
import { principalsByRequest } from './principals-by-request.js';
import { rateLimited, rateLimitKey, useRateLimit } from './rate-limit.js';
import { useQueryLimits } from './query-limits.js';
import { boundedMessage, normaliseRequestError, useBoundedValidationErrors } from './request-errors.js';
import { assertTrusted, loadTrustedDocumentsOf, useTrustedDocuments } from './trusted-documents.js';
import { databaseUnavailableError } from './database-errors.js';
import { renderLocalGraphiQL } from './graphiql.js';

export interface NodeServerContext {
  req: IncomingMessage;
  res: ServerResponse;
}

export interface GraphQLHandlerOptions {
  config: Config;
  schema: GraphQLSchema;
  authenticate: Authenticate;
  log: Logger;
  data: DataDependencies;
  link: LinkSettings;
  events: EventHub;
  /** Counts operations and error codes; its plugin comes before the limits so refusals are counted too. */
  metrics?: GatewayMetrics | undefined;
  /** The per-principal rate limit (src/http/rate-limiter.ts); undefined when turned off. */
  rateLimiter?: PrincipalRateLimiter | undefined;
}

export const GRAPHQL_PATH = '/graphql';

export function createGraphQLHandler({ config, schema, authenticate, log, data, link, events, metrics, rateLimiter: limiter }: GraphQLHandlerOptions) {
  const principalOf = principalsByRequest(authenticate);
  const trusted = loadTrustedDocumentsOf(config);
  const responseCache =
    config.responseCacheMs > 0
      ? new ResponseCache({
          ttlMs: config.responseCacheMs,
          principalOf: (req) => authenticate(req.headers.authorization ?? null),
          refuse: limiter === undefined ? undefined : async (req, principal) => (await limiter.take(rateLimitKey(principal, req.socket.remoteAddress))) !== undefined,
          onMutation: (changed) => {
            const customers: (string | null)[] = changed.everyone ? [null] : [...changed.customers];
            Promise.all(customers.map((customerId) => publishEvent(data.db, { topic: 'dataChanged', customerId, entityId: null }))).catch((error: unknown) => {
              log.warn({ err: { message: error instanceof Error ? error.message : 'unknown' } }, 'could not tell other instances to forget their kept answers');
            });
          },
        })
      : undefined;
  // Every event names the customer whose data changed; one that names none (an older one) forgets everything.
  if (responseCache !== undefined) events.onEvent((event) => (event.customerId === null ? responseCache.forgetAll() : responseCache.forgetCustomer(event.customerId)));
  const yoga = createYoga<NodeServerContext, GatewayContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    // 1 turns batching off (an array body is a 400); more allows that many operations per request.
    batching: config.limits.maxBatch > 1 ? { limit: config.limits.maxBatch } : false,
    // A backstop: the body is read (at most 1 MiB) before yoga sees it, by admitGraphQLBody (src/http/graphql-body.ts).
    maxRequestBodySize: MAX_BODY_BYTES,
    // CORS is the server's, for every route alike (src/http/cors.ts); yoga's own echoes any Origin.
    cors: false,
    graphiql: config.env !== 'production',
    // Its page loads its assets from this gateway (/graphiql/…), not from a CDN.
    renderGraphiQL: renderLocalGraphiQL,
    landingPage: false,
    multipart: false,
    // Unexpected errors reach clients as "Unexpected error." with no message, stack or upstream body.
    maskedErrors: {
      isDev: false,
      // Pothos's argument checks (global ids, validation) are the client's mistakes, not faults.
      maskError: (error, message, isDev) => {
        const original = error instanceof GraphQLError ? error.originalError : error;
        if (original instanceof PothosValidationError && error instanceof GraphQLError) {
          // A global id in the message may be 100 KB.
          return new GraphQLError(boundedMessage(original.message), { nodes: error.nodes, path: error.path, extensions: { code: 'BAD_USER_INPUT' satisfies ErrorCode } });
        }
        if (error instanceof GraphQLError && (original === undefined || original instanceof GraphQLError)) {
          const normalised = normaliseRequestError(error);
          if (normalised !== error) return normalised;
        }
        return databaseUnavailableError(error) ?? maskError(error, message, isDev);
      },
    },
    logging: yogaLogger(log),
    context: async ({ req, res, request, params }) => {
      // Over graphql-ws the upgrade request has no pino-http logger or id of its own.
      const http = req as Partial<Pick<IncomingMessage, 'log' | 'id' | 'socket'>> | undefined;
      const requestId = typeof http?.id === 'string' ? http.id : randomUUID();
      const principal = await principalOf(request);
      // graphql-ws operations (no `res`) take their rate-limit token and trusted-document check here;
      // HTTP operations took theirs before parsing (useRateLimit, useTrustedDocuments).
      const response: ServerResponse | undefined = res;
      if (response === undefined) {
        const retryAfter = await limiter?.take(rateLimitKey(principal, http?.socket?.remoteAddress));
        if (retryAfter !== undefined) throw rateLimited(retryAfter, 'websocket');
        assertTrusted(trusted, principal, params.query);
      }
      return {
        principal,
        log: http?.log ?? log.child({ transport: 'graphql-ws', requestId }),
        requestId,
        data: new GatewayData(data, principal),
        link,
        events,
        lastEventId: response === undefined ? undefined : (request.headers.get('last-event-id') ?? undefined),
        warnings: [],
      };
    },
    plugins: [
      // First: plugins after it (tracing) wrap the subscribe function it sets.
      useSharedSubscriptionEvents(),
      useSseEventIds(),
      ...operationTracingPlugins(),
      ...(metrics === undefined ? [] : [metrics.plugin()]),
      ...(trusted === undefined ? [] : [useTrustedDocuments(trusted, principalOf)]),
      ...(responseCache === undefined ? [] : [responseCache.plugin()]),
      ...(limiter === undefined ? [] : [useRateLimit(limiter, principalOf)]),
      ...useQueryLimits(config.limits),
      useBoundedValidationErrors({ introspection: config.introspection }),
      useAccessPolicy({ introspection: config.introspection }),
      useCredentialExpiry(),
      useWarnings(),
      useErrorHandler(({ errors, context, phase }) => {
        const contextLog = (context as Partial<GatewayContext>).log ?? log;
        for (const error of errors) {
          const original = (error as { originalError?: unknown }).originalError;
          // Typed errors are answers, not faults; only unexpected ones are worth an error line.
          if (original instanceof Error && !('extensions' in original)) {
            contextLog.error({ phase, err: original }, 'unexpected error while answering a GraphQL request');
          }
        }
      }),
    ],
  });
  /** `POST /graphql` and friends over HTTP: a kept answer when there is one, else yoga. */
  const serveHttp = (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    responseCache === undefined ? Promise.resolve(yoga(req, res, { req, res })).then(() => undefined) : responseCache.serve(req, res, () => Promise.resolve(yoga(req, res, { req, res })));
  return Object.assign(yoga, { serveHttp });
}

function yogaLogger(log: Logger): YogaLogger {
  const child = log.child({ component: 'yoga' });
  return {
    debug: (...args: unknown[]) => child.debug(yogaLine(args)),
    info: (...args: unknown[]) => child.info(yogaLine(args)),
    warn: (...args: unknown[]) => child.warn(yogaLine(args)),
    error: (...args: unknown[]) => child.error(yogaLine(args)),
  };
}

/**
 * Yoga hands its logger whole errors, whose messages echo the request (a syntax error quotes the
 * document, an invalid id repeats it, and either may be someone's name or IBAN): only an error's
 * kind and code are written. Unexpected errors are logged with their stack by useErrorHandler.
 */
function yogaLine(args: unknown[]): string {
  return args
    .map((arg) => {
      if (!(arg instanceof Error)) return String(arg);
      const code = (arg as { extensions?: { code?: unknown } }).extensions?.code;
      return `${arg.name}${typeof code === 'string' ? ` (${code})` : ''}: message not logged, it may echo the request`;
    })
    .join(' ');
}

/** Adds the errors that accompany data (stale copies served, further broken rules) to the result. */
function useWarnings(): Plugin<GatewayContext> {
  return {
    onExecute: ({ args }) => ({
      onExecuteDone: ({ result, setResult }) => {
        const warnings = (args.contextValue as Partial<GatewayContext>).warnings ?? [];
        if (warnings.length === 0 || isAsyncIterable(result)) return;
        const errors = (result.errors ?? []) as readonly GraphQLError[];
        setResult({ ...result, errors: [...errors, ...warnings] });
      },
    }),
  };
}
