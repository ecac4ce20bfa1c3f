import type { ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';

type Streamed = ExecutionResult & { stringify?: (result: ExecutionResult) => string };

/**
 * Over SSE, each subscription event carries its cursor as the event's `id`, so that an EventSource
 * that reconnects sends it back as `Last-Event-ID` by itself (the subscription fields read it as their
 * `after`). Yoga writes each result as `data: <result.stringify(result)>`: the id follows as a field of
 * the same event. A cursor is base64url, so it cannot break the event's framing.
 */
export function useSseEventIds(): Plugin {
  return {
    onResultProcess: (payload) => {
      const { request, result } = payload;
      if (!isAsyncIterable(result) || !(request.headers.get('accept') ?? '').includes('text/event-stream')) return;
      payload.setResult(withIds(result as AsyncIterable<Streamed>));
    },
  };
}

async function* withIds(results: AsyncIterable<Streamed>): AsyncGenerator<Streamed> {
  for await (const result of results) {
    const cursor = result.extensions?.['cursor'];
    yield typeof cursor === 'string' && /^[A-Za-z0-9_-]+$/.test(cursor) ? { ...result, stringify: (value) => `${JSON.stringify(value)}\nid: ${cursor}` } : result;
  }
}
