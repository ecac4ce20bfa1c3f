import { createClient as createWebSocketClient } from 'graphql-ws';
import { cacheExchange, Client, fetchExchange, subscriptionExchange } from 'urql';

/**
 * urql over the gateway's `/graphql`: queries and mutations over HTTP with `Authorization: Bearer`,
 * subscriptions over graphql-ws on the same path with the token in `connectionParams` (browsers
 * cannot set headers on a WebSocket).
 */
export function createGatewayClient(token: string): { client: Client; dispose(): void } {
  const authorization = `Bearer ${token}`;
  const webSocketUrl = new URL('/graphql', window.location.href);
  webSocketUrl.protocol = webSocketUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  const webSocket = createWebSocketClient({ url: webSocketUrl.toString(), connectionParams: { authorization }, lazy: true });
  const client = new Client({
    url: '/graphql',
    fetchOptions: () => ({ headers: { authorization } }),
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = webSocket.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, dispose: () => void webSocket.dispose() };
}
