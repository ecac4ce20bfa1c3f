import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Tables } from '../db/tables.js';
import type { Logger } from '../log.js';
import { claimFetchLease, extendFetchLease, fetchLeaseHeld, releaseFetchLease } from '../store/fetch-leases-store.js';

/** What a look at the store came to: an answer without Lean, or the stored state Lean must be asked about. */
export type LookedAgain<S, R> = { readonly settled: R } | { readonly stored: S };

/**
 * How the one fetch of a key that this process makes (its `InFlight` call) is kept to one across
 * instances. `lookAgain` reads the store; `fetch` asks Lean and writes the store.
 */
export interface FetchSharing {
  once<S, R>(key: string, lookAgain: () => Promise<LookedAgain<S, R>>, fetch: (stored: S) => Promise<R>): Promise<R>;
}

/** One process is every instance (PGlite): `InFlight` already shares the call. */
export const processOnly: FetchSharing = {
  async once(_key, lookAgain, fetch) {
    const looked = await lookAgain();
    return 'settled' in looked ? looked.settled : fetch(looked.stored);
  },
};

/** How often a waiter looks whether the lease it waits for has ended; one primary-key read each time. */
const POLL_MS = 25;

export interface FetchLeaseOptions {
  /** How long a claim holds without being extended: a little more than one Lean call may take. */
  readonly leaseMs: number;
  readonly log: Logger;
}

/**
 * Shared by instances of one Postgres: a key's fetch is made by whoever claims its lease (one row in
 * `lean_fetch_leases`, claimed in one statement, no connection held while Lean answers); the others
 * wait until the lease ends, then read what the holder stored. A holder that failed leaves nothing
 * fresh behind: a waiter then claims and asks Lean itself, so its answer, its error and its stale
 * copy are its own. A killed holder's lease runs out after `leaseMs`; a live one extends it while it
 * waits for Lean (retries and queueing may outlast one call's timeout).
 */
export class FetchLeases implements FetchSharing {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly options: FetchLeaseOptions,
  ) {}

  async once<S, R>(key: string, lookAgain: () => Promise<LookedAgain<S, R>>, fetch: (stored: S) => Promise<R>): Promise<R> {
    for (;;) {
      const holder = randomUUID();
      const claimed = await this.claim(key, holder);
      if (claimed) {
        try {
          // Claimed after any earlier holder released: what it stored is seen here.
          const looked = await lookAgain();
          return 'settled' in looked ? looked.settled : await this.holding(key, holder, () => fetch(looked.stored));
        } finally {
          await releaseFetchLease(this.db, key, holder).catch((error: unknown) => this.warn(error, 'could not release a fetch lease; it runs out by itself'));
        }
      }
      await this.leaseEnded(key);
      const looked = await lookAgain();
      if ('settled' in looked) return looked.settled;
    }
  }

  /** True when claimed; also true when the lease table cannot be reached (the fetch goes ahead unshared, as in one process). */
  private async claim(key: string, holder: string): Promise<boolean> {
    try {
      return await claimFetchLease(this.db, key, holder, this.options.leaseMs);
    } catch (error) {
      this.warn(error, 'could not claim a fetch lease; asking Lean without it');
      return true;
    }
  }

  /** Runs the fetch, extending the lease every third of its length until the fetch ends. */
  private async holding<R>(key: string, holder: string, fetch: () => Promise<R>): Promise<R> {
    const { leaseMs } = this.options;
    const timer = setInterval(() => {
      void extendFetchLease(this.db, key, holder, leaseMs).catch((error: unknown) => this.warn(error, 'could not extend a fetch lease'));
    }, leaseMs / 3);
    timer.unref();
    try {
      return await fetch();
    } finally {
      clearInterval(timer);
    }
  }

  /** Until no live lease holds the key (released, or run out); a failed look counts as ended. */
  private async leaseEnded(key: string): Promise<void> {
    for (;;) {
      await sleep(POLL_MS);
      const held = await fetchLeaseHeld(this.db, key).catch(() => false);
      if (!held) return;
    }
  }

  private warn(error: unknown, message: string): void {
    this.options.log.warn({ err: { message: error instanceof Error ? error.message : 'unknown' } }, message);
  }
}
