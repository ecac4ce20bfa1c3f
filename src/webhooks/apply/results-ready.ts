import { z } from 'zod';
import type { KindModule } from '../../data/kinds/kind.js';
import { DATA_KINDS } from '../../data/kinds/registry.js';
import { publishEvent } from '../../events/bus.js';
import type { DataKind, DataOf, LeanResult } from '../../model/results.js';
import { LeanApiError } from '../../model/upstream-errors.js';
import { completePendingRequest, pendingRequest, type PendingRow } from '../../store/pending-results-store.js';
import type { InboxRow } from '../../store/webhook-inbox-store.js';
import { RetryLater, type ApplyDependencies, type FinishWebhook, type WebhookStatus } from './applying.js';

const resultsReadyPayload = z.object({ id: z.string().min(1) });

/** A results.ready for a request we do not know yet is tried this often (our record of it may be a moment behind). */
const UNKNOWN_RESULTS_ATTEMPTS = 3;

/** `results.ready`: Lean finished a call that went PENDING (or waited for a reconnect); its answer is stored and `resultsReady` published. */
export async function applyResultsReady(deps: ApplyDependencies, row: InboxRow, body: unknown, done: FinishWebhook): Promise<WebhookStatus> {
  const parsed = resultsReadyPayload.safeParse(body);
  if (!parsed.success) return done('IGNORED', 'payload is not a results.ready payload');
  const pending = await pendingRequest(deps.db, parsed.data.id);
  if (pending === undefined) {
    if (row.attempts < UNKNOWN_RESULTS_ATTEMPTS) throw new RetryLater('no request of ours with this results_id yet', 500);
    return done('IGNORED', 'no request of ours with this results_id');
  }
  if (pending.status === 'READY') return done('IGNORED', 'results already stored');
  return completeResults(deps, pending, pending.kind, done);
}

/**
 * Reads the answer as the kind of the call that went pending and stores it with that kind's writer,
 * as if the call had answered it.
 */
async function completeResults<K extends DataKind>(deps: ApplyDependencies, pending: PendingRow, name: K, done: FinishWebhook): Promise<WebhookStatus> {
  const kind: KindModule<K> = DATA_KINDS[name];
  let answer: LeanResult<DataOf<K>>;
  try {
    answer = await deps.lean.results(pending.results_id, name);
  } catch (error) {
    if (error instanceof LeanApiError && error.leanStatus === 'UNKNOWN_RESULTS_ID') throw new RetryLater('Lean has not finished the results yet', 2_000);
    throw error;
  }
  if (answer.kind === 'pending') throw new RetryLater('Lean still answers PENDING', 2_000);
  if (answer.kind !== 'ok') {
    return done('APPLIED', `Lean answered ${answer.kind}`, async (trx) => {
      // No results to deliver, but answers kept whole that said "pending" must go.
      if (await completePendingRequest(trx, pending.results_id, 'FAILED')) await publishEvent(trx, { topic: 'dataChanged', customerId: pending.customer_id, entityId: pending.entity_id });
    });
  }
  const fetchedAt = new Date();
  const { data } = answer;
  const request = kind.requestOf(pending);
  return done('APPLIED', undefined, async (trx) => {
    // False when the link is gone (or the row does not name the request whole): nothing was kept.
    const stored = request !== undefined && (await kind.write(trx, deps, request, data, fetchedAt));
    // Published once: only by the transaction that completes the request, and only if the data was kept.
    if (await completePendingRequest(trx, pending.results_id, stored ? 'READY' : 'FAILED')) {
      if (stored) await publishEvent(trx, { topic: 'resultsReady', customerId: pending.customer_id, resultsId: pending.results_id });
      else await publishEvent(trx, { topic: 'dataChanged', customerId: pending.customer_id, entityId: pending.entity_id });
    }
  });
}
