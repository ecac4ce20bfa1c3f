import { isDatabaseUnavailable } from '../db/unavailable.js';
import { LeanUnavailableError } from '../model/upstream-errors.js';
import type { Logger } from '../log.js';
import { claimDueWebhook, deferWebhook, markWebhookAttemptFailed, type InboxRow } from '../store/webhook-inbox-store.js';
import { applyWebhook, ClaimLost, RetryLater, type ApplyDependencies } from './apply.js';

export interface ProcessorOptions extends ApplyDependencies {
  readonly log: Logger;
  /** Attempts before a row is marked FAILED (kept, and re-applied by `webhooks:replay`). */
  readonly maxAttempts?: number;
  /** How long a claimed row stays invisible to other processors; a crashed one's rows return after it. */
  readonly leaseMs?: number;
  /** How often due rows are looked for (retries, rows received by other instances, rows left by a crash). */
  readonly pollMs?: number;
  /** Told of each row applied and each attempt that did not apply (metrics). */
  readonly observer?: WebhookObserver | undefined;
}

export interface WebhookObserver {
  applied(type: string | null, status: 'APPLIED' | 'IGNORED', receivedAt: Date): void;
  failed(type: string | null, outcome: 'retry' | 'failed' | 'deferred' | 'claim_lost'): void;
}

const MAX_BACKOFF_MS = 5 * 60_000;
/** While the database fails, polls back off up to this; a webhook stored meanwhile wakes the processor at once. */
const MAX_POLL_BACKOFF_MS = 30_000;

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
  /** Drains in a row that failed on the database, and when polling resumes. */
  private databaseFailures = 0;
  private resumeAt = 0;

  constructor(private readonly options: ProcessorOptions) {
    this.maxAttempts = options.maxAttempts ?? 10;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 1_000;
  }

  /** Starts polling and applies what is due now (rows left by a crash included). */
  start(): void {
    this.timer = setInterval(() => {
      if (Date.now() >= this.resumeAt) this.wake();
    }, this.pollMs);
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
      .then(
        () => {
          this.databaseFailures = 0;
          this.resumeAt = 0;
        },
        (error: unknown) => {
          // Nothing is marked FAILED for an outage: rows stay RECEIVED and polls back off until it ends.
          this.databaseFailures += 1;
          const retryInMs = Math.min(MAX_POLL_BACKOFF_MS, this.pollMs * 2 ** (this.databaseFailures - 1));
          this.resumeAt = Date.now() + retryInMs;
          this.options.log.warn({ err: describe(error), retryInMs }, 'webhook processing paused: the database failed; it resumes after the backoff');
        },
      )
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
      this.options.observer?.applied(row.type, status, row.received_at);
      log.info({ status }, 'webhook applied');
    } catch (error) {
      if (error instanceof ClaimLost) {
        this.options.observer?.failed(row.type, 'claim_lost');
        log.warn('webhook taken over by another processor after its lease ran out; this attempt was rolled back');
        return;
      }
      const reason = describe(error);
      const deferral = deferralOf(error);
      if (deferral !== undefined) {
        await deferWebhook(this.options.db, row, reason, deferral);
        this.options.observer?.failed(row.type, 'deferred');
        log.info({ reason, retryInMs: deferral }, 'webhook not applied: Lean or the database is unavailable for now; trying again later, attempt not counted');
        return;
      }
      const retry = row.attempts < this.maxAttempts;
      const delay = error instanceof RetryLater && error.retryInMs !== undefined ? error.retryInMs : Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** (row.attempts - 1));
      await markWebhookAttemptFailed(this.options.db, row, reason, retry ? delay : undefined);
      this.options.observer?.failed(row.type, retry ? 'retry' : 'failed');
      if (retry) log.info({ reason, retryInMs: delay }, 'webhook not applied yet; trying again later');
      else log.warn({ reason }, 'webhook failed; kept for replay');
    }
  }
}

/**
 * How long to wait when an attempt could not run for a reason outside the row: Lean's circuit open
 * or calls paused after a 429 (until they end), or the database unreachable.
 */
function deferralOf(error: unknown): number | undefined {
  if (error instanceof LeanUnavailableError && (error.reason === 'circuit_open' || error.reason === 'rate_limited')) return Math.max(500, error.retryAfterMs ?? 1_000);
  if (isDatabaseUnavailable(error)) return 1_000;
  return undefined;
}

/** A reason safe for logs and the inbox row: the error's class and message, never a body. */
function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 500);
  return 'unknown error';
}
