import type { Kysely } from 'kysely';
import type { Tables } from '../db/tables.js';
import type { Logger } from '../log.js';
import { pruneSettledWebhooks } from '../store/webhook-inbox-store.js';

export interface InboxRetentionOptions {
  readonly db: Kysely<Tables>;
  readonly log: Logger;
  /** APPLIED and IGNORED rows settled longer ago than this are deleted. */
  readonly retentionDays: number;
  /** How often old rows are looked for; the first look is soon after start. */
  readonly everyMs?: number;
  readonly firstAfterMs?: number;
}

/**
 * Deletes applied and ignored inbox rows past their retention, in every instance but one at a time
 * (an advisory lock decides); FAILED and INVALID rows are kept until replayed or deleted by an operator.
 */
export class InboxRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: InboxRetentionOptions) {}

  start(): void {
    this.schedule(this.options.firstAfterMs ?? 60_000);
  }

  /** Deletes what is past retention now; resolves with how many rows went (0 when another instance is at it). */
  async pruneNow(): Promise<number> {
    const deleted = await pruneSettledWebhooks(this.options.db, this.options.retentionDays);
    if (deleted > 0) this.options.log.info({ deleted, retentionDays: this.options.retentionDays }, 'old applied and ignored webhooks deleted from the inbox');
    return deleted;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pruneNow()
        .then(
          () => undefined,
          (error: unknown) => this.options.log.warn({ err: { message: error instanceof Error ? error.message : 'unknown' } }, 'inbox retention failed; trying again later'),
        )
        .finally(() => {
          this.running = undefined;
          this.schedule(this.options.everyMs ?? 3_600_000);
        });
    }, ms);
    this.timer.unref();
  }
}
