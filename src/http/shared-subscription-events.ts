import { createSourceEventStream, execute, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { principalKey } from '../auth/principal.js';
import { databaseUnavailableError } from './database-errors.js';
import type { GatewayContext } from '../schema/context.js';

type MaybePromise<T> = T | Promise<T>;

/**
 * Executes each subscription event once per group of identical subscribers instead of once per
 * subscriber: subscribers of the same document, operation name and variables, as the same principal,
 * share the result of an event (the one object the event hub hands to every subscriber). Each
 * subscriber keeps its own event stream (its own `subscribe` resolver ran, with its own access check),
 * and its results still pass through every plugin's result hooks (error masking, metrics).
 */
export function useSharedSubscriptionEvents(): Plugin<GatewayContext> {
  return {
    onSubscribe: ({ setSubscribeFn }) => {
      setSubscribeFn(subscribeSharing as Parameters<typeof setSubscribeFn>[0]);
    },
  };
}

/** Per event: the result of each group of identical subscribers. */
const resultsByEvent = new WeakMap<object, Map<string, MaybePromise<ExecutionResult>>>();
const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 1;

async function subscribeSharing(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) return source;
  // From here on the context only serves events, each of which reads its data afresh.
  (args.contextValue as Partial<GatewayContext> | undefined)?.data?.releaseLoaders();
  const group = groupOf(args);
  return mapEvents(source[Symbol.asyncIterator](), (event) => deliverable(args, group, event));
}

/** Waits before reading an event's data again while the database is away: 0.25 s, doubling to 5 s, about a minute in all. */
const DATABASE_RETRIES_MS = [250, 500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000, 5_000, 5_000, 5_000, 5_000, 5_000, 5_000];

/**
 * The event's result with its cursor. While the database is away its data cannot be read: the event
 * is executed again (later events wait, so the order holds) until it can; if it still cannot, the
 * error goes out without a cursor, so a client resuming from its last cursor receives the event again.
 */
async function deliverable(args: ExecutionArgs, group: string | undefined, event: unknown): Promise<ExecutionResult> {
  for (const waitMs of DATABASE_RETRIES_MS) {
    const result = await resultOf(args, group, event);
    if (!(result.errors ?? []).some((error) => databaseUnavailableError(error) !== undefined)) return withCursor(event, result);
    if (group !== undefined && typeof event === 'object' && event !== null) resultsByEvent.get(event)?.delete(group);
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
  return resultOf(args, group, event);
}

function resultOf(args: ExecutionArgs, group: string | undefined, event: unknown): MaybePromise<ExecutionResult> {
  if (group === undefined || typeof event !== 'object' || event === null) return execute({ ...args, rootValue: event });
  let results = resultsByEvent.get(event);
  if (results === undefined) {
    results = new Map();
    resultsByEvent.set(event, results);
  }
  let result = results.get(group);
  if (result === undefined) {
    result = execute({ ...args, rootValue: event });
    results.set(group, result);
  }
  return result;
}

/** The event's cursor in the result's `extensions.cursor` (a copy: the result may be shared). */
function withCursor(event: unknown, result: ExecutionResult): ExecutionResult {
  const cursor = typeof event === 'object' && event !== null && 'cursor' in event ? event.cursor : undefined;
  return typeof cursor === 'string' ? { ...result, extensions: { ...result.extensions, cursor } } : result;
}

/** What decides a subscriber's result besides the event; undefined when the result cannot be shared. */
function groupOf(args: ExecutionArgs): string | undefined {
  const principal = (args.contextValue as Partial<GatewayContext> | undefined)?.principal;
  if (principal === undefined) return undefined;
  let documentId = documentIds.get(args.document);
  if (documentId === undefined) {
    documentId = nextDocumentId++;
    documentIds.set(args.document, documentId);
  }
  return JSON.stringify([documentId, args.operationName ?? null, args.variableValues ?? null, principalKey(principal)]);
}

/** The source's events mapped to results; `return` reaches the source at once, even while it waits. */
function mapEvents(source: AsyncIterator<unknown>, map: (event: unknown) => MaybePromise<ExecutionResult>): AsyncIterableIterator<ExecutionResult> {
  const mapped = async (step: IteratorResult<unknown>): Promise<IteratorResult<ExecutionResult>> => {
    if (step.done === true) return { done: true, value: undefined };
    try {
      return { done: false, value: await map(step.value) };
    } catch (error) {
      await source.return?.();
      throw error;
    }
  };
  return {
    next: async () => mapped(await source.next()),
    return: async () => (source.return === undefined ? { done: true, value: undefined } : mapped(await source.return())),
    throw: async (error: unknown) => {
      if (source.throw === undefined) throw error;
      return mapped(await source.throw(error));
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
