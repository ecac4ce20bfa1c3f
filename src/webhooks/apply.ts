import { webhookEnvelope } from '../lean/wire.js';
import type { InboxRow } from '../store/webhook-inbox-store.js';
import type { ApplyDependencies, FinishWebhook, WebhookStatus } from './apply/applying.js';
import { applyBankAvailabilityUpdated } from './apply/bank-availability.js';
import { applyDataRefreshUpdated } from './apply/data-refresh.js';
import { applyEntityCreated } from './apply/entity-created.js';
import { applyEntityReconnected, applyEntityUpdated } from './apply/entity-changes.js';
import { applyResultsReady } from './apply/results-ready.js';
import { WebhookCommits, type CommitWebhook } from './commits.js';

export { ClaimLost, RetryLater, type ApplyDependencies } from './apply/applying.js';

/**
 * Applies one stored webhook. Lean is called first; then the writes, the events and the row's new
 * status are one transaction, so an event is published exactly when its change is committed.
 * Applying the same row again changes nothing.
 */
export async function applyWebhook(deps: ApplyDependencies & { readonly commit?: CommitWebhook }, row: InboxRow): Promise<WebhookStatus> {
  const commit = deps.commit ?? new WebhookCommits(deps.db).commit;
  const done: FinishWebhook = async (status, note, work) => {
    // Claim first: a processor that lost its lease must not write (or publish) anything.
    await commit(row, status, note, work);
    return status;
  };
  // Checked when it was received (else stored INVALID and never applied); read again here.
  const envelope = webhookEnvelope.safeParse(JSON.parse(row.body));
  if (!envelope.success) return done('IGNORED', 'not a Lean webhook envelope');
  const { type, payload, timestamp } = envelope.data;
  switch (type) {
    case 'entity.created':
      return applyEntityCreated(deps, payload, done);
    case 'entity.reconnected':
      return applyEntityReconnected(deps, payload, done);
    case 'results.ready':
      return applyResultsReady(deps, row, payload, done);
    case 'entity.updated':
      return applyEntityUpdated(deps, payload, done);
    case 'entity.data.refresh.updated':
      return applyDataRefreshUpdated(deps, row, payload, timestamp, done);
    case 'bank.availability.updated':
      return applyBankAvailabilityUpdated(deps, row, payload, timestamp, done);
    default:
      return done('IGNORED', 'a type the gateway does not act on');
  }
}
