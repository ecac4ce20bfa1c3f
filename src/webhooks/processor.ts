import type { Logger } from '../log.js';
import { claimDueWebhook, markWebhookAttemptFailed, type InboxRow } from '../store/webhook-inbox-store.js';
import { applyWebhook, ClaimLost, RetryLater, type ApplyDependencies } from './apply.js';

export interface ProcessorOptions extends ApplyDependencies {
  readonly log: Logger;
  /** Attempts before a row is marked FAILED (kept, and re-applied by `webhooks:replay`). */
  readonly maxAttempts?: number;
  /** How long a claimed row stays invisible to other processors; a crashed one's rows return after it. */
  readonly leaseMs?: number;
  /** How often due rows are looked for (retries, rows received by other instances, rows left by a crash). */
  readonly pollMs?: number;
}

const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * Applies inbox rows in order of arrival, each at least once: a failing row is retried with
 * exponential backoff, then marked FAILED and kept. Runs in every instance; rows are claimed with
 * `FOR UPDATE SKIP LOCKED`, so an instance never applies a row another is applying.
 */
export class WebhookProcessor {
  private readonly maxAttempts: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly options: ProcessorOptions) {
    this.maxAttempts = options.maxAttempts ?? 10;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 1_000;
  }

  /** Starts polling and applies what is due now (rows left by a crash included). */
  start(): void {
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Something arrived: apply what is due now. */
  wake(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) => this.options.log.warn({ err: describe(error) }, 'webhook processing paused: the database failed; it resumes on the next poll'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Resolves when nothing is being applied any more; no new work starts. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      const row = await claimDueWebhook(this.options.db, this.leaseMs);
      if (row === undefined) return;
      await this.process(row);
    }
  }

  private async process(row: InboxRow): Promise<void> {
    const log = this.options.log.child({ webhook: row.id, type: row.type, attempt: row.attempts });
    try {
      const status = await applyWebhook(this.options, row);
      log.info({ status }, 'webhook applied');
    } catch (error) {
      if (error instanceof ClaimLost) {
        log.warn('webhook taken over by another processor after its lease ran out; this attempt was rolled back');
        return;
      }
      const reason = describe(error);
      const retry = row.attempts < this.maxAttempts;
      const delay = error instanceof RetryLater && error.retryInMs !== undefined ? error.retryInMs : Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** (row.attempts - 1));
      await markWebhookAttemptFailed(this.options.db, row, reason, retry ? delay : undefined);
      if (retry) log.info({ reason, retryInMs: delay }, 'webhook not applied yet; trying again later');
      else log.warn({ reason }, 'webhook failed; kept for replay');
    }
  }
}

/** A reason safe for logs and the inbox row: the error's class and message, never a body. */
function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 500);
  return 'unknown error';
}
