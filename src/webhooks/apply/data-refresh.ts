import { z } from 'zod';
import { entityOfRefresh, momentOfRefresh, readRefreshedEntity, storeRefreshReads, type RefreshReads } from '../../data/entity-refresh.js';
import type { LeanAnswerContext } from '../../data/lean-answer.js';
import { publishEvent } from '../../events/bus.js';
import { orderOfRefresh, refreshFinished, type AccountRefreshStatus, type DataRefresh, type DatasetStatus, type RefreshMoment } from '../../model/refresh.js';
import { recordRefreshState, refreshStateOf } from '../../store/entity-refresh-store.js';
import type { InboxRow } from '../../store/webhook-inbox-store.js';
import { RetryLater, type ApplyDependencies, type FinishWebhook, type WebhookStatus } from './applying.js';

const text = z.string().min(1);
const day = z
  .string()
  .nullish()
  .transform((value) => (value !== null && value !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null));
const availability = z.object({ start: day, end: day, complete_months: z.number().int().nonnegative().nullish() }).nullish();
/** Lean's webhook spells it `transaction_availability`; `GET /data/v2/refreshes/{id}` spells it `transactionAvailability`. */
const AVAILABILITY_KEYS = new Set(['account_id', 'transaction_availability', 'transactionAvailability']);
const accountData = z.looseObject({ account_id: text, transaction_availability: availability, transactionAvailability: availability }).transform(
  (account): AccountRefreshStatus => {
    const datasets: Record<string, DatasetStatus> = {};
    for (const [name, value] of Object.entries(account)) if (!AVAILABILITY_KEYS.has(name) && typeof value === 'string') datasets[name] = value;
    const days = account.transaction_availability ?? account.transactionAvailability;
    return {
      accountId: account.account_id,
      balance: datasets['balance'] ?? null,
      transactions: datasets['transactions'] ?? null,
      datasets,
      transactionsFrom: days?.start ?? null,
      transactionsTo: days?.end ?? null,
      transactionsCompleteMonths: days?.complete_months ?? null,
    };
  },
);

/** `entity.data.refresh.updated`, read once into the gateway's model; a status or dataset status Lean adds later is kept as sent. */
const dataRefreshPayload = z
  .object({
    entity_id: text,
    refresh_id: text.nullish(),
    customer_id: text.nullish(),
    status: text,
    data_status: z
      .object({ accounts: z.string().nullish(), identity: z.string().nullish(), account_data: z.array(accountData).nullish() })
      .nullish(),
  })
  .transform(
    (payload): DataRefresh => ({
      refreshId: payload.refresh_id ?? null,
      entityId: payload.entity_id,
      customerId: payload.customer_id ?? null,
      status: payload.status,
      datasetsReported: payload.data_status !== null && payload.data_status !== undefined,
      accounts: payload.data_status?.accounts ?? null,
      identity: payload.data_status?.identity ?? null,
      accountData: payload.data_status?.account_data ?? [],
    }),
  );

/** A refresh of an entity we do not hold yet is tried this often (its entity.created may be a moment behind). */
const UNKNOWN_ENTITY_ATTEMPTS = 3;

/**
 * `entity.data.refresh.updated`: Lean's data-store workflow. PENDING (or a status not known here) is
 * recorded as the entity's latest refresh and `dataChanged` published; FINISHED or OK (Lean's two
 * spellings) makes the gateway read the entity's data again into its store (Lean first, then the
 * writes, the entity's refresh state and `dataRefreshed` in one transaction). A state older than the
 * one recorded (out of order, or redelivered) changes nothing.
 */
export async function applyDataRefreshUpdated(
  deps: ApplyDependencies,
  row: InboxRow,
  body: unknown,
  sentAt: string | null | undefined,
  done: FinishWebhook,
): Promise<WebhookStatus> {
  const parsed = dataRefreshPayload.safeParse(body);
  if (!parsed.success) return done('IGNORED', 'payload is not an entity.data.refresh.updated payload');
  const refresh = parsed.data;
  const lean = sentAt ? new Date(sentAt) : undefined;
  // When Lean said so; a webhook without its timestamp counts from when it arrived.
  const incoming: RefreshMoment = { refreshId: refresh.refreshId, status: refresh.status, updatedAt: lean !== undefined && !Number.isNaN(lean.getTime()) ? lean : row.received_at };
  if ((await refreshStateOf(deps.db, refresh.entityId)) === undefined && row.attempts < UNKNOWN_ENTITY_ATTEMPTS) throw new RetryLater('no such entity here yet', 500);
  return applyRefreshState(deps, refresh, incoming, done);
}

/** Lean's account of one refresh (the webhook's payload, or `GET /data/v2/refreshes/{id}`), read into the gateway's model. */
export function readDataRefresh(body: unknown): DataRefresh | undefined {
  const parsed = dataRefreshPayload.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Applies one state of an entity's refresh, as `entity.data.refresh.updated` does; the reconciler
 * (src/webhooks/reconcile.ts) applies a finished refresh it finds at Lean through this too, so a
 * webhook of the same state arriving later is `same` and changes nothing.
 */
export async function applyRefreshState(deps: ApplyDependencies, refresh: DataRefresh, incoming: RefreshMoment, done: FinishWebhook): Promise<WebhookStatus> {
  const recorded = await refreshStateOf(deps.db, refresh.entityId);
  if (recorded === undefined) return done('IGNORED', 'no such entity here');
  if (recorded.status === 'DISCONNECTED') return done('IGNORED', 'the entity is disconnected');
  const order = orderOfRefresh(momentOfRefresh(recorded), incoming);
  if (order !== 'newer') return done('IGNORED', order === 'same' ? 'this state of the refresh is recorded already' : 'older than the refresh state recorded');

  const finished = refreshFinished(refresh.status);
  let reads: RefreshReads | undefined;
  if (finished) {
    const context: LeanAnswerContext = { ...deps, now: () => new Date(), entityChanged: ignore, entityGone: ignore };
    const entity = await entityOfRefresh(context, refresh.entityId);
    if (entity === undefined || entity.status === 'DISCONNECTED') return done('IGNORED', 'the entity is disconnected');
    reads = await readRefreshedEntity(context, entity, refresh);
  }
  const note = reads !== undefined && reads.skipped.length > 0 ? `not read: ${reads.skipped.join('; ')}`.slice(0, 500) : undefined;
  return done('APPLIED', note, async (trx) => {
    // Locked, then checked again: another instance may have recorded this refresh (or a newer one) meanwhile.
    const locked = await refreshStateOf(trx, refresh.entityId, { forUpdate: true });
    if (locked === undefined || locked.status === 'DISCONNECTED' || orderOfRefresh(momentOfRefresh(locked), incoming) !== 'newer') return;
    if (reads !== undefined) await storeRefreshReads(trx, reads);
    await recordRefreshState(trx, refresh, incoming.updatedAt, finished);
    await publishEvent(
      trx,
      finished
        ? { topic: 'dataRefreshed', customerId: locked.customer_id, entityId: refresh.entityId, refreshId: refresh.refreshId, status: refresh.status }
        : { topic: 'dataChanged', customerId: locked.customer_id, entityId: refresh.entityId },
    );
  });
}

function ignore(): void {}
