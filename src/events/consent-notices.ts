import type { Kysely } from 'kysely';
import type { Tables } from '../db/tables.js';
import type { Logger } from '../log.js';
import { claimDueConsentNotices, holdConsentNoticeLock } from '../store/consent-notices-store.js';
import { announceEvents, publishEvent } from './bus.js';

/** Notices recorded and published per transaction: a long backlog goes in short transactions. */
const NOTICE_BATCH = 500;

export interface ConsentNoticesOptions {
  readonly db: Kysely<Tables>;
  readonly log: Logger;
  /** How long before a consent ends `consentExpiring` is sent. */
  readonly noticeMs: number;
  /** How often due notices are looked for; the first look is at start. */
  readonly everyMs: number;
  readonly now?: () => Date;
}

/**
 * Sends `consentExpiring` once per consent, `noticeMs` before it ends, and `consentChanged` once when
 * the end passes. Runs in every instance on a timer; one at a time does the work (an advisory lock).
 * Each notice is recorded in the transaction of its event: a crash before the commit loses both (the
 * next run sends it), after it neither, so no notice is lost or sent twice, across restarts too.
 */
export class ConsentNotices {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: ConsentNoticesOptions) {}

  start(): void {
    this.timer = setInterval(() => this.check(), this.options.everyMs);
    this.timer.unref();
    this.check();
  }

  /** Records and publishes the notices due now; resolves with how many were sent (0 when another instance is at it). */
  async sendDue(): Promise<number> {
    const { db, noticeMs } = this.options;
    let sent = 0;
    for (;;) {
      const now = this.options.now?.() ?? new Date();
      const claimed = await db.transaction().execute(async (trx) => {
        if (!(await holdConsentNoticeLock(trx))) return [];
        const due = await claimDueConsentNotices(trx, now, noticeMs, NOTICE_BATCH);
        for (const notice of due) {
          if (notice.notice === 'EXPIRING') {
            await publishEvent(trx, {
              topic: 'consentExpiring',
              customerId: notice.customerId,
              entityId: notice.entityId,
              consentId: notice.consentId,
              expiresAt: notice.expiresAt.toISOString(),
            });
          } else {
            await publishEvent(trx, { topic: 'consentChanged', customerId: notice.customerId, entityId: notice.entityId });
          }
        }
        return due;
      });
      if (claimed.length > 0) announceEvents(db);
      sent += claimed.length;
      if (claimed.length < NOTICE_BATCH) break;
    }
    if (sent > 0) this.options.log.info({ sent }, 'consent notices sent');
    return sent;
  }

  private check(): void {
    if (this.running !== undefined) return;
    this.running = this.sendDue()
      .then(
        () => undefined,
        (error: unknown) =>
          this.options.log.warn({ err: { message: error instanceof Error ? error.message : 'unknown', code: (error as { code?: unknown }).code } }, 'consent notices could not be sent; trying again later'),
      )
      .finally(() => {
        this.running = undefined;
      });
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
