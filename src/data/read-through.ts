import DataLoader from 'dataloader';
import { BankUnavailableError, LeanApiError, LeanAuthError, LeanFailedError, LeanProtocolError, LeanUnavailableError } from '../model/upstream-errors.js';
import { tracedBatch } from '../observability/tracing.js';
import type { FetchSharing, LookedAgain } from './fetch-sharing.js';
import type { InFlight } from './in-flight.js';
import type { Outcome } from './outcome.js';

/**
 * How one kind of Lean data is read through the store: batches of keys read in one statement, a
 * fresh copy answered from it, anything else fetched from Lean once per key across concurrent requests.
 */
export interface ReadThroughSpec<K, S, T> {
  /** Names the kind in in-flight keys, e.g. `balance`. */
  readonly kind: string;
  id(key: K): string;
  /** The stored state of every key, in one SQL statement; absent keys are unknown to the store. */
  read(keys: readonly K[]): Promise<Map<string, S>>;
  /** The answer without Lean (fresh, refused …), or `fetch` when Lean must be asked. Absent state: `undefined`. */
  settle(stored: S | undefined, key: K, now: Date): Outcome<T> | undefined | 'fetch';
  /** Asks Lean, writes the answer to the store and returns it. */
  fetch(key: K, stored: S): Promise<Outcome<T>>;
  /** A copy that may be served when Lean fails (stale-if-error), if the store has one. */
  staleCopy(stored: S, key: K): T | undefined;
  /**
   * The bank of the stored state when Lean said its data is down: instead of a call, the stale copy
   * is served (its fault a BankUnavailableError), else `bankUnavailable`. Absent: never down.
   */
  bankDown?(stored: S): string | undefined;
}

/** How a read was answered: a fresh stored copy, Lean asked, or a stale copy served after Lean failed (also a miss). */
export type CacheReadResult = 'hit' | 'miss' | 'stale';
/** Told of each read of a kind that holds data (metrics); refusals and unknown keys are not reads. */
export type CacheReadObserver = (kind: string, result: CacheReadResult) => void;

/** What every read-through loader shares: calls in flight across requests and instances, the clock, and who counts cache reads. */
export interface ReadThroughContext {
  readonly inFlight: InFlight;
  readonly fetchSharing: FetchSharing;
  readonly now: () => Date;
  readonly cacheReads?: CacheReadObserver | undefined;
}

export function readThroughLoader<K, S, T>(
  spec: ReadThroughSpec<K, S, T>,
  { inFlight, fetchSharing, now, cacheReads: observe }: ReadThroughContext,
): DataLoader<K, Outcome<T> | undefined, string> {
  const settleOrFetch = async (key: K, stored: S | undefined): Promise<Outcome<T> | undefined> => {
    const decided = spec.settle(stored, key, now());
    if (decided !== 'fetch') {
      if (decided?.kind === 'ok') observe?.(spec.kind, 'hit');
      return decided;
    }
    const down = stored === undefined ? undefined : spec.bankDown?.(stored);
    if (stored !== undefined && down !== undefined) return whileBankDown(stored, key, down);
    observe?.(spec.kind, 'miss');
    const callKey = `${spec.kind}:${spec.id(key)}`;
    // Another request (here or on another instance) may have stored the answer since our read: look again first.
    const lookAgain = async (): Promise<LookedAgain<S, Outcome<T> | undefined>> => {
      const latest = (await spec.read([key])).get(spec.id(key));
      const again = spec.settle(latest, key, now());
      if (again !== 'fetch') return { settled: again };
      return latest === undefined ? { settled: undefined } : { stored: latest };
    };
    const fetchFromLean = async (latest: S): Promise<Outcome<T>> => {
      try {
        return await spec.fetch(key, latest);
      } catch (error) {
        const copy = isUpstreamFault(error) ? spec.staleCopy(latest, key) : undefined;
        if (copy === undefined) throw error;
        return { kind: 'ok', value: copy, stale: true, fault: error as Error };
      }
    };
    const outcome = await inFlight.run<Outcome<T> | undefined>(callKey, () => fetchSharing.once(callKey, lookAgain, fetchFromLean));
    // Every caller served the stale copy counts, those that joined the call included.
    if (outcome?.kind === 'ok' && outcome.stale) observe?.(spec.kind, 'stale');
    return outcome;
  };
  const whileBankDown = (stored: S, key: K, bankIdentifier: string): Outcome<T> => {
    const copy = spec.staleCopy(stored, key);
    if (copy === undefined) return { kind: 'bankUnavailable', bankIdentifier };
    // Counted as a stale copy served after Lean failed is: a miss, and stale.
    observe?.(spec.kind, 'miss');
    observe?.(spec.kind, 'stale');
    return { kind: 'ok', value: copy, stale: true, fault: new BankUnavailableError(bankIdentifier) };
  };
  return new DataLoader<K, Outcome<T> | undefined, string>(
    tracedBatch(spec.kind, async (keys) => {
      const stored = await spec.read(keys);
      return Promise.all(keys.map((key) => settleOrFetch(key, stored.get(spec.id(key))).catch((error: unknown) => asError(error))));
    }),
    { cacheKeyFn: (key) => spec.id(key) },
  );
}

/** A copy fetched at `fetchedAt` still holds for a kind whose freshness window is `windowMs` (its CACHE_TTL_*). */
export function isFresh(fetchedAt: Date | null, windowMs: number, now: Date): boolean {
  return fetchedAt !== null && now.getTime() - fetchedAt.getTime() < windowMs;
}

/** Lean did not give a usable answer: the cases where a stale copy beats an error. */
export function isUpstreamFault(error: unknown): boolean {
  return (
    error instanceof LeanUnavailableError ||
    // Credentials refused: Lean gives nothing until the operators fix them, so a copy beats an error.
    error instanceof LeanAuthError ||
    error instanceof LeanProtocolError ||
    error instanceof LeanFailedError ||
    (error instanceof LeanApiError && (error.httpStatus >= 500 || error.httpStatus === 429))
  );
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
