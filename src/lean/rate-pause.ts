import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.js';

/**
 * Lean limits calls per application, so one 429 pauses every call this application token makes,
 * for Retry-After (or our backoff): calls issued meanwhile wait for the pause to end instead of
 * each sending their own request, or give up at once when the pause is longer than they may wait.
 */
export class RateLimitPause {
  private until = 0;

  constructor(private readonly log: Logger) {}

  /** Lean answered 429 to the call `correlationId` on `endpoint`: no call goes out for `ms` (an ongoing longer pause stands). */
  begin(ms: number, endpoint: string, correlationId: string): void {
    const now = Date.now();
    const until = now + ms;
    if (until <= this.until) return;
    if (this.until <= now) this.log.warn({ lean: { endpoint, correlationId, outcome: 'calls_paused', pauseMs: ms } }, 'lean answered 429: calls to Lean are paused');
    this.until = until;
  }

  remainingMs(): number {
    return Math.max(0, this.until - Date.now());
  }

  /**
   * Waits until no pause is running, as long as the waits add up to at most `budgetMs`. Resolves
   * with `undefined` when calls may go out, or with the remaining pause when it is longer than the budget.
   */
  async waitOut(budgetMs: number): Promise<number | undefined> {
    let left = budgetMs;
    for (;;) {
      const remaining = this.remainingMs();
      if (remaining === 0) return undefined;
      if (remaining > left) return remaining;
      await sleep(remaining);
      left -= remaining;
    }
  }
}
