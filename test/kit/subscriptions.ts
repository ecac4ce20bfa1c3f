import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Subscription<T> {
  /** Every event received so far (data or errors), in order. */
  readonly received: T[];
  /** Each received event's `extensions.cursor`, beside `received`. */
  readonly cursors: (string | undefined)[];
  readonly errors: unknown[];
  /** Resolves once the server acknowledged the connection and the subscription is live. */
  readonly ready: Promise<void>;
  /** Waits for the next event not yet taken (or the n-th, 1-based). */
  next(count?: number, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** A graphql-ws client subscribed to one operation, as a browser would (credential in connectionParams). */
export function subscribe<T = Record<string, unknown>>(
  baseUrl: string,
  query: string,
  options: { variables?: Record<string, unknown>; token?: string; connectionParams?: Record<string, unknown> } = {},
): Subscription<T> {
  const received: T[] = [];
  const cursors: (string | undefined)[] = [];
  const errors: unknown[] = [];
  let acknowledged: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    acknowledged = resolve;
  });
  const client: Client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: options.connectionParams ?? (options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
    on: { connected: () => setTimeout(acknowledged, 50) },
  });
  client.subscribe<T>(
    { query, variables: options.variables ?? {} },
    {
      next: (value) => {
        if (value.errors !== undefined) errors.push(...value.errors);
        if (value.data !== undefined && value.data !== null) {
          received.push(value.data);
          const cursor = (value.extensions as Record<string, unknown> | undefined)?.['cursor'];
          cursors.push(typeof cursor === 'string' ? cursor : undefined);
        }
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  let taken = 0;
  return {
    received,
    cursors,
    errors,
    ready,
    next: async (count = taken + 1, timeoutMs = 10_000) => {
      taken = Math.max(taken, count);
      const started = Date.now();
      while (received.length < count) {
        if (Date.now() - started > timeoutMs) throw new Error(`no event ${count} within ${timeoutMs} ms; errors: ${JSON.stringify(errors)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return received[count - 1] as T;
    },
    close: () => client.dispose() as Promise<void>,
  };
}
