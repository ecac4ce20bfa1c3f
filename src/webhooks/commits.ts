import type { Kysely } from 'kysely';
import type { Tables } from '../db/tables.js';
import { announceEvents } from '../events/bus.js';
import { markWebhooksDone, type InboxRow } from '../store/webhook-inbox-store.js';
import { ClaimLost, type WebhookStatus } from './apply/applying.js';

/** Ends applying one row: marks it done (claim checked) and runs its writes, in one transaction. */
export type CommitWebhook = (row: Pick<InboxRow, 'id' | 'attempts'>, status: WebhookStatus, note: string | undefined, work: ((trx: Kysely<Tables>) => Promise<void>) | undefined) => Promise<void>;

interface Pending {
  readonly row: Pick<InboxRow, 'id' | 'attempts'>;
  readonly status: WebhookStatus;
  readonly note: string | undefined;
  readonly work: ((trx: Kysely<Tables>) => Promise<void>) | undefined;
  resolve(): void;
  reject(error: unknown): void;
}

/** Rows finished in one transaction at most. */
const MAX_BATCH = 64;

/**
 * Group commit for the rows a processor applies at once: the rows that finish while a transaction
 * is committing are marked done in one statement and their writes run in the next transaction
 * (rows of different entities: one entity's rows are applied one after the other). Each row is
 * still all or nothing: a row whose claim was lost writes nothing (ClaimLost); when any row's writes
 * fail, the transaction is rolled back and each row is committed on its own, so a failure is only
 * its own row's.
 */
export class WebhookCommits {
  private readonly queue: Pending[] = [];
  private flushing = false;

  constructor(private readonly db: Kysely<Tables>) {}

  readonly commit: CommitWebhook = (row, status, note, work) =>
    new Promise<void>((resolve, reject) => {
      this.queue.push({ row, status, note, work, resolve, reject });
      if (!this.flushing) void this.flush();
    });

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        if (batch.length === 1 || !(await this.together(batch))) {
          for (const pending of batch) await this.alone(pending);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** The batch in one transaction; false (rolled back, nobody settled) when any row's writes failed. */
  private async together(batch: readonly Pending[]): Promise<boolean> {
    let kept: Set<number>;
    try {
      kept = await this.db.transaction().execute(async (trx) => {
        const marked = await markWebhooksDone(trx, batch.map((pending) => ({ id: pending.row.id, attempts: pending.row.attempts, status: pending.status, note: pending.note })));
        for (const pending of batch) if (marked.has(pending.row.id)) await pending.work?.(trx);
        return marked;
      });
    } catch {
      return false;
    }
    if (batch.some((pending) => kept.has(pending.row.id) && pending.work !== undefined)) announceEvents(this.db);
    for (const pending of batch) {
      if (kept.has(pending.row.id)) pending.resolve();
      else pending.reject(new ClaimLost());
    }
    return true;
  }

  private async alone(pending: Pending): Promise<void> {
    try {
      const kept = await this.db.transaction().execute(async (trx) => {
        const marked = await markWebhooksDone(trx, [{ id: pending.row.id, attempts: pending.row.attempts, status: pending.status, note: pending.note }]);
        if (!marked.has(pending.row.id)) return false;
        await pending.work?.(trx);
        return true;
      });
      if (!kept) return pending.reject(new ClaimLost());
      if (pending.work !== undefined) announceEvents(this.db);
      pending.resolve();
    } catch (error) {
      pending.reject(error);
    }
  }
}
