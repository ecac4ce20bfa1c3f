import { sql, type Kysely } from 'kysely';
import type { Tables } from '../db/tables.js';

/** At most one wake-up per channel and connection pool in this long; more asked for meanwhile are one more at its end. */
const WINDOW_MS = 5;

interface Pending {
  again: boolean;
}

const pendingByDatabase = new WeakMap<Kysely<Tables>, Map<string, Pending>>();

/**
 * Sends `NOTIFY channel` on its own, outside any transaction, coalesced. A NOTIFY inside a writing
 * transaction makes Postgres serialise that transaction's commit, fsync included, with every other
 * notifying one; a wake-up on its own writes nothing and waits for no flush. Call it after the rows
 * it announces are committed. A lost wake-up delays readers until their next safety read, nothing more.
 */
export function wakeListeners(db: Kysely<Tables>, channel: string): void {
  let pending = pendingByDatabase.get(db);
  if (pending === undefined) {
    pending = new Map();
    pendingByDatabase.set(db, pending);
  }
  const waiting = pending.get(channel);
  if (waiting !== undefined) {
    waiting.again = true;
    return;
  }
  const state: Pending = { again: false };
  const channels = pending;
  channels.set(channel, state);
  const send = (): void => {
    void sql`select pg_notify(${channel}, '')`
      .execute(db)
      .catch(() => undefined)
      .finally(() => {
        const timer = setTimeout(() => {
          if (!state.again) {
            channels.delete(channel);
            return;
          }
          state.again = false;
          send();
        }, WINDOW_MS);
        timer.unref();
      });
  };
  send();
}
