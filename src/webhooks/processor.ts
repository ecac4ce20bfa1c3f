import pLimit from 'p-limit';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { LeanUnavailableError } from '../model/upstream-errors.js';
import type { Logger } from '../log.js';
import {
  claimDueWebhooks,
  deferWebhook,
  markWebhookAttemptFailed,
  msUntilNextWebhookDue,
  releaseWebhooks,
  type InboxRow,
} from '../store/webhook-inbox-store.js';
import { applyWebhook, ClaimLost, RetryLater, type ApplyDependencies } from './apply.js';
import { WebhookCommits, type CommitWebhook } from './commits.js';

export interface ProcessorOptions extends ApplyDependencies {
  readonly log: Logger;
  /** Attempts before a row is marked FAILED (kept, and re-applied by `webhooks:replay`). */
  readonly maxAttempts?: number;
  /** How long a claimed row stays invisible to other processors; a crashed one's rows return after it. */
  readonly leaseMs?: number;
  /**
   * Rows applied at once, each of a different entity (the rows of one entity run one after the
   * other). Below the database pool's size, so that acknowledgements and queries keep connections.
   */
  readonly concurrency?: number;
  /**
   * Longest wait between two looks for due rows. New rows wake the processor by NOTIFY and retries
   * at their time; this catches what no wake-up announced (a NOTIFY missed while the listener
   * reconnected, an earlier row of an entity finished by an instance that died since).
   */
  readonly pollMs?: number;
  /** Told of each row applied and each attempt that did not apply (metrics). */
  readonly observer?: WebhookObserver | undefined;
}

export interface WebhookObserver {
  applied(type: string | null, status: 'APPLIED' | 'IGNORED', receivedAt: Date): void;
  failed(type: string | null, outcome: 'retry' | 'failed' | 'deferred' | 'claim_lost'): void;
}

const MAX_BACKOFF_MS = 5 * 60_000;
/** While the database fails, looks back off from this up to the maximum; a webhook stored meanwhile wakes the processor at once. */
const POLL_BACKOFF_MS = 1_000;
const MAX_POLL_BACKOFF_MS = 30_000;
/** Rows claimed ahead per row applied at once: enough that a claim is rare, few enough that claimed rows start well within their lease. */
const CLAIM_AHEAD = 4;

/** How an attempt at one row ended for the rows of its entity behind it: they may go next, or another instance holds it now. */
type Outcome = 'next' | 'taken_over';

/**
 * Applies inbox rows at least once each, and the rows of one entity in order of arrival across all
 * instances: rows are claimed in batches (one statement, `FOR UPDATE SKIP LOCKED`, a row only
 * while no earlier row of its entity is being applied), then applied concurrently, one entity's rows
 * one after the other. A failing row is retried with exponential backoff, then marked FAILED and
 * kept. Runs in every instance; woken by NOTIFY when a webhook is stored by any instance, and at the
 * time the next retry falls due.
 */
export class WebhookProcessor {
  private readonly maxAttempts: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  /** Ends the drain's wait for a chain to finish: something arrived that may be claimable now. */
  private nudge: (() => void) | undefined;
  private stopped = false;
  /** Claims held when the database failed, given back when it answers again (their attempts not counted). */
  private readonly toGiveBack: InboxRow[] = [];
  /** Drains in a row that failed on the database. */
  private databaseFailures = 0;

  /** What applying needs, with the group commit: the rows that finish together commit together. */
  private readonly applying: ApplyDependencies & { readonly commit: CommitWebhook };

  constructor(private readonly options: ProcessorOptions) {
    this.applying = { ...options, commit: new WebhookCommits(options.db).commit };
    this.maxAttempts = options.maxAttempts ?? 10;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 5_000;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
  }

  /** Applies what is due now (rows left by a crash included), and from then on whenever woken. */
  start(): void {
    this.wake();
  }

  /** Something arrived: apply what is due now. */
  wake(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = true;
      this.nudge?.();
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain()
      .then(
        (nextDueMs) => {
          this.databaseFailures = 0;
          this.lookAgainIn(Math.min(this.pollMs, nextDueMs ?? this.pollMs));
        },
        (error: unknown) => {
          // Nothing is marked FAILED for an outage: rows stay RECEIVED and looks back off until it ends.
          this.databaseFailures += 1;
          const retryInMs = Math.min(MAX_POLL_BACKOFF_MS, POLL_BACKOFF_MS * 2 ** (this.databaseFailures - 1));
          this.lookAgainIn(retryInMs);
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
    clearTimeout(this.timer);
    this.nudge?.();
    await this.running;
  }

  private lookAgainIn(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), Math.max(0, Math.ceil(ms)));
    this.timer.unref();
  }

  /**
   * Claims and applies until nothing is claimable, keeping up to CLAIM_AHEAD × concurrency rows in
   * hand and claiming again when half of them are done. Answers when the next waiting row falls due.
   */
  private async drain(): Promise<number | undefined> {
    if (this.toGiveBack.length > 0) {
      await releaseWebhooks(this.options.db, this.toGiveBack);
      this.toGiveBack.length = 0;
    }
    const limit = pLimit(this.concurrency);
    const capacity = this.concurrency * CLAIM_AHEAD;
    const chains = new Set<Promise<void>>();
    let held = 0;
    let failure: { readonly error: unknown } | undefined;
    try {
      while (!this.stopped && failure === undefined) {
        const room = capacity - held;
        if (held === 0 || room >= capacity / 2) {
          const rows = await claimDueWebhooks(this.options.db, this.leaseMs, room);
          for (const chain of chainsByEntity(rows)) {
            held += chain.length;
            const running: Promise<void> = limit(() => this.applyInOrder(chain))
              .catch((error: unknown) => {
                failure ??= { error };
              })
              .finally(() => {
                held -= chain.length;
                chains.delete(running);
              });
            chains.add(running);
          }
          if (rows.length > 0) continue;
          if (held === 0) break;
        }
        // Something in hand finishes (room to claim again, maybe rows of its entity free to go), or arrives.
        const arrived = new Promise<void>((resolve) => (this.nudge = resolve));
        await Promise.race([...chains, arrived]);
        this.nudge = undefined;
      }
    } finally {
      await Promise.all(chains);
    }
    if (failure !== undefined) throw failure.error;
    return this.stopped ? undefined : msUntilNextWebhookDue(this.options.db);
  }

  /**
   * One entity's rows, oldest first. One in backoff holds nobody back (as it never did); one taken
   * over by another instance does: those behind it are given back, to be claimed after it.
   */
  private async applyInOrder(chain: readonly InboxRow[]): Promise<void> {
    for (const [index, row] of chain.entries()) {
      // Stopping: what has not started goes back, due now for whichever instance runs next.
      if (this.stopped) return releaseWebhooks(this.options.db, chain.slice(index));
      let outcome: Outcome;
      try {
        outcome = await this.process(row);
      } catch (error) {
        // The database failed (even recording the failure did): this row and those behind it go back,
        // now if it answers, else as soon as it does, rather than when their lease runs out.
        const back = chain.slice(index);
        await releaseWebhooks(this.options.db, back).catch(() => this.toGiveBack.push(...back));
        throw error;
      }
      if (outcome === 'taken_over') return releaseWebhooks(this.options.db, chain.slice(index + 1));
    }
  }

  private async process(row: InboxRow): Promise<Outcome> {
    const log = this.options.log.child({ webhook: row.id, type: row.type, attempt: row.attempts });
    try {
      const status = await applyWebhook(this.applying, row);
      this.options.observer?.applied(row.type, status, row.received_at);
      log.info({ status }, 'webhook applied');
      return 'next';
    } catch (error) {
      if (error instanceof ClaimLost) {
        this.options.observer?.failed(row.type, 'claim_lost');
        log.warn('webhook taken over by another processor after its lease ran out; this attempt was rolled back');
        return 'taken_over';
      }
      const reason = describe(error);
      const deferral = deferralOf(error);
      if (deferral !== undefined) {
        await deferWebhook(this.options.db, row, reason, deferral);
        this.options.observer?.failed(row.type, 'deferred');
        log.info({ reason, retryInMs: deferral }, 'webhook not applied: Lean or the database is unavailable for now; trying again later, attempt not counted');
        return 'next';
      }
      const retry = row.attempts < this.maxAttempts;
      const delay = error instanceof RetryLater && error.retryInMs !== undefined ? error.retryInMs : Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** (row.attempts - 1));
      await markWebhookAttemptFailed(this.options.db, row, reason, retry ? delay : undefined);
      this.options.observer?.failed(row.type, retry ? 'retry' : 'failed');
      if (retry) log.info({ reason, retryInMs: delay }, 'webhook not applied yet; trying again later');
      else log.warn({ reason }, 'webhook failed; kept for replay');
      return 'next';
    }
  }
}

/** Claimed rows (oldest first) as one list per entity, oldest first; a row without an entity is a list of its own. */
function chainsByEntity(rows: readonly InboxRow[]): InboxRow[][] {
  const chains: InboxRow[][] = [];
  const byEntity = new Map<string, InboxRow[]>();
  for (const row of rows) {
    const chain = row.entity_key === null ? undefined : byEntity.get(row.entity_key);
    if (chain !== undefined) {
      chain.push(row);
      continue;
    }
    const started = [row];
    chains.push(started);
    if (row.entity_key !== null) byEntity.set(row.entity_key, started);
  }
  return chains;
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
