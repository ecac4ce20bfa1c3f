import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { createYoga, useErrorHandler, type YogaLogger } from 'graphql-yoga';
import type { Authenticate } from '../auth/authenticate.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { GatewayContext } from '../schema/context.js';
import { useAccessPolicy } from './access-policy.js';

export interface NodeServerContext {
  req: IncomingMessage;
  res: ServerResponse;
}

export interface GraphQLHandlerOptions {
  config: Config;
  schema: GraphQLSchema;
  authenticate: Authenticate;
  log: Logger;
}

export const GRAPHQL_PATH = '/graphql';

export function createGraphQLHandler({ config, schema, authenticate, log }: GraphQLHandlerOptions) {
  return createYoga<NodeServerContext, GatewayContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    graphiql: config.env !== 'production',
    landingPage: false,
    multipart: false,
    // Unexpected errors reach clients as "Unexpected error." with no message, stack or upstream body.
    maskedErrors: { isDev: false },
    logging: yogaLogger(log),
    context: async ({ req, request }) => {
      const requestLog = req.log;
      return {
        principal: await authenticate(request.headers.get('authorization')),
        log: requestLog,
        requestId: typeof req.id === 'string' ? req.id : JSON.stringify(req.id),
      };
    },
    plugins: [
      useAccessPolicy({ introspection: config.introspection }),
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
}

function yogaLogger(log: Logger): YogaLogger {
  const child = log.child({ component: 'yoga' });
  return {
    debug: (...args: unknown[]) => child.debug(args.map(String).join(' ')),
    info: (...args: unknown[]) => child.info(args.map(String).join(' ')),
    warn: (...args: unknown[]) => child.warn(args.map(String).join(' ')),
    error: (...args: unknown[]) => child.error(args.map(String).join(' ')),
  };
}
