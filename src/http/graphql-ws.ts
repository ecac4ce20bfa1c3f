import type { Server } from 'node:http';
import type { DocumentNode, ExecutionArgs, GraphQLError, GraphQLSchema } from 'graphql';
import { CloseCode, type OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Logger } from '../log.js';
import type { GatewayContext } from '../schema/context.js';
import { accessPolicy } from './access-policy.js';
import { whenCredentialEnds } from './credential-expiry.js';
import type { CorsPolicy } from './cors.js';
import { GRAPHQL_PATH, type createGraphQLHandler } from './graphql.js';

type Yoga = ReturnType<typeof createGraphQLHandler>;
interface Enveloped {
  execute(args: ExecutionArgs): OperationResult;
  subscribe(args: ExecutionArgs): OperationResult;
}
/** What yoga's `getEnveloped` hands back, typed for this use. */
interface EnvelopedOperation extends Enveloped {
  schema: GraphQLSchema;
  contextFactory(): Promise<unknown>;
  parse(source: string): DocumentNode;
  validate(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[];
}

/**
 * graphql-ws on /graphql, through the same yoga plugins (authentication, access policy, error masking)
 * as HTTP. The credential comes in `connectionParams` (`{ authorization: "Bearer …" }` or `{ token }`),
 * since browsers cannot set headers on a WebSocket.
 */
export function attachGraphQLWebSocket(server: Server, yoga: Yoga, log: Logger, options: { introspection: boolean; cors: CorsPolicy }): { close(): Promise<void> } {
  const enforce = accessPolicy(options);
  // Per socket: cancels the close planned for when its end user's JWT expires.
  const credentialEnds = new WeakMap<object, () => void>();
  // Upgrades are routed here by hand, so that the HTTP server's own errors (a port in use) stay its own.
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request, socket, head) => {
    if ((request.url ?? '').split('?')[0] !== GRAPHQL_PATH) {
      socket.destroy();
      return;
    }
    // A page from an origin the CORS policy refuses gets 403 before the upgrade.
    if (!options.cors.admitUpgrade(request, socket)) return;
    wss.handleUpgrade(request, socket, head, (client) => wss.emit('connection', client, request));
  });
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as Enveloped).execute(args),
      subscribe: (args) => (args.rootValue as Enveloped).subscribe(args),
      onSubscribe: async (ctx, _id, params) => {
        const authorization = credentialOf(ctx.connectionParams);
        // A POST stand-in: yoga refuses mutations on GET requests, and a WebSocket operation is not one.
        const request = new Request(`http://localhost${GRAPHQL_PATH}`, { method: 'POST', headers: authorization === undefined ? {} : { authorization } });
        const enveloped = yoga.getEnveloped({ req: ctx.extra.request, request, params }) as EnvelopedOperation;
        let document: DocumentNode;
        try {
          document = enveloped.parse(params.query);
        } catch (error) {
          if (error instanceof Error && 'locations' in error) return [error as GraphQLError];
          throw error;
        }
        const errors = enveloped.validate(enveloped.schema, document);
        if (errors.length > 0) return [...errors];
        const rootValue: Enveloped = { execute: (args) => enveloped.execute(args), subscribe: (args) => enveloped.subscribe(args) };
        let contextValue: unknown;
        try {
          contextValue = await enveloped.contextFactory();
        } catch (error) {
          // A refused credential fails this operation with its typed error, not the whole socket.
          if (error instanceof Error && 'extensions' in error) return [error as GraphQLError];
          throw error;
        }
        // The socket's credential (its connectionParams) ends with the JWT: the whole socket closes
        // then with 4403, every subscription on it with it; the client reconnects with a fresh token.
        if (!credentialEnds.has(ctx)) {
          const cancel = whenCredentialEnds((contextValue as GatewayContext).principal, () => ctx.extra.socket.close(CloseCode.Forbidden, 'Forbidden'));
          if (cancel !== undefined) credentialEnds.set(ctx, cancel);
        }
        try {
          // Checked here as well as in the yoga plugin, so a refusal is this operation's error message,
          // not an exception inside graphql-ws (which would close the whole socket with 4500).
          enforce(document, params.operationName, (contextValue as GatewayContext).principal);
        } catch (error) {
          if (error instanceof Error && 'extensions' in error) return [error as GraphQLError];
          throw error;
        }
        return {
          schema: enveloped.schema,
          document,
          operationName: params.operationName,
          variableValues: params.variables,
          contextValue,
          rootValue,
        };
      },
      onClose: (ctx) => {
        credentialEnds.get(ctx)?.();
        credentialEnds.delete(ctx);
      },
      onError: (_ctx, _id, _payload, errors) => {
        // Codes only: a message may quote the request back (a validation error repeats the value it refused).
        log.debug({ errors: errors.map((error) => error.extensions['code'] ?? error.name) }, 'graphql-ws operation failed');
      },
    },
    wss,
  );
  let closing: Promise<void> | undefined;
  return {
    close: () =>
      (closing ??= (async () => {
        // Clients get close code 1001; one that does not answer within a second is cut off.
        const cutOff = setTimeout(() => {
          for (const client of wss.clients) client.terminate();
        }, 1_000);
        await disposable.dispose();
        clearTimeout(cutOff);
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      })()),
  };
}

function credentialOf(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const authorization = params?.['authorization'] ?? params?.['Authorization'];
  if (typeof authorization === 'string') return authorization;
  const token = params?.['token'];
  return typeof token === 'string' ? `Bearer ${token}` : undefined;
}
