import type { Kysely } from 'kysely';
import type { Tables } from '../db/tables.js';
import type { Logger } from '../log.js';
import { pruneEvents } from '../store/event-log-store.js';

/** Rows deleted per statement: a long backlog is pruned in short transactions. */
const PRUNE_BATCH = 5_000;

/**
 * Deletes events older than the retention, in every instance on a timer; one instance at a time
 * does the work (the others find the lock taken and skip). Runs every quarter of the retention, at
 * most every five minutes and at least every quarter second.
 */
export class EventLogPruner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Tables>,
    private readonly retentionMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    const everyMs = Math.max(250, Math.min(5 * 60_000, Math.round(this.retentionMs / 4)));
    this.timer = setInterval(() => this.prune(), everyMs);
    this.timer.unref();
    this.prune();
  }

  private prune(): void {
    if (this.running !== undefined) return;
    this.running = (async () => {
      let total = 0;
      for (;;) {
        const deleted = await pruneEvents(this.db, new Date(Date.now() - this.retentionMs), PRUNE_BATCH);
        total += deleted;
        if (deleted < PRUNE_BATCH) break;
      }
      if (total > 0) this.log.info({ deleted: total }, 'events older than the retention deleted from the event log');
    })()
      .catch((error: unknown) => {
        this.log.warn({ err: { message: error instanceof Error ? error.message : 'unknown', code: (error as { code?: unknown }).code } }, 'the event log could not be pruned; trying again later');
      })
      .finally(() => {
        this.running = undefined;
      });
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
