import type { ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Principal } from '../auth/principal.js';
import type { GatewayContext } from '../schema/context.js';

/** setTimeout's longest delay (about 24.8 days); a later end is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `end` when the principal's credential expires (an end user's JWT `exp`; API keys do not
 * expire: undefined then). Returns a function that cancels it. The timer does not hold the process open.
 */
export function whenCredentialEnds(principal: Principal, end: () => void): (() => void) | undefined {
  if (principal.kind !== 'endUser') return undefined;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const wait = Math.max(0, principal.expiresAt - Date.now());
    timer = wait > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(end, wait);
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}

/**
 * An end user's subscription over HTTP (SSE) completes when their JWT expires, so that a stream never
 * outlives its credential; the client subscribes again with a fresh token. Over graphql-ws the whole
 * socket is closed with 4403 instead (src/http/graphql-ws.ts), so this leaves those operations alone.
 */
export function useCredentialExpiry(): Plugin<GatewayContext> {
  return {
    onSubscribe: ({ args }) => {
      const context = args.contextValue as Partial<GatewayContext> & { res?: unknown };
      // graphql-ws operations have no server response in their context.
      if (context.res === undefined || context.principal === undefined) return undefined;
      const principal = context.principal;
      return {
        onSubscribeResult: ({ result, setResult }) => {
          if (isAsyncIterable(result)) setResult(endingWithCredential(result, principal));
        },
      };
    },
  };
}

/** The stream's events until the credential expires; then it is done (and the source told to stop). */
function endingWithCredential(source: AsyncIterable<ExecutionResult>, principal: Principal): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  let cancel: (() => void) | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    cancel = whenCredentialEnds(principal, () => resolve('expired'));
  });
  const finish = (): IteratorReturnResult<undefined> => {
    if (!finished) {
      finished = true;
      cancel?.();
      // Not awaited: a source waiting for its next event may settle its return only after that event.
      void Promise.resolve(iterator.return?.()).catch(() => undefined);
    }
    return { done: true, value: undefined };
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next: async () => {
      if (finished) return { done: true, value: undefined };
      const outcome = await Promise.race([iterator.next(), expired]);
      if (outcome === 'expired') return finish();
      if (outcome.done === true) {
        finished = true;
        cancel?.();
      }
      return outcome;
    },
    return: () => Promise.resolve(finish()),
    throw: (error: unknown) => {
      finish();
      return Promise.reject(error instanceof Error ? error : new Error('subscription stopped'));
    },
  };
}
