import type { BankAgent, CounterpartyAccount } from '../../model/counterparty-account.js';
import type { ScheduledPayment } from '../../model/scheduled-payment.js';
import { accountDatasetRequestOf, datasetByAccountLoader, writeDataset, type DatasetRead, type DatasetSplit } from '../account-datasets.js';
import type { KindContext } from '../context.js';
import type { KindModule } from './kind.js';

/** The amount is the item's `amount` (the instructed amount). */
export interface ScheduledPaymentDetails {
  readonly id: string;
  readonly type: string | null;
  /** ISO instant. */
  readonly scheduledAt: string | null;
  readonly debtorReference: string | null;
  readonly reference: string | null;
  readonly agent: BankAgent | null;
}
/** Whom it pays: sealed at rest. */
export interface ScheduledPaymentPersonal {
  readonly account: CounterpartyAccount | null;
}
export type ScheduledPaymentsRead = DatasetRead<ScheduledPaymentDetails, ScheduledPaymentPersonal>;

function split(item: ScheduledPayment): DatasetSplit<ScheduledPaymentDetails, ScheduledPaymentPersonal> {
  return {
    itemId: item.id,
    amount: item.amount,
    details: { id: item.id, type: item.type, scheduledAt: item.scheduledAt?.toISOString() ?? null, debtorReference: item.debtorReference, reference: item.reference, agent: item.agent },
    personal: { account: item.account },
  };
}

/** Scheduled payments: per account, served from the store for CACHE_TTL_SCHEDULED_PAYMENTS. */
export const scheduledPaymentsKind: KindModule<'scheduled_payments'> = {
  kind: 'scheduled_payments',
  ask: (lean, { entityId, accountId }) => lean.scheduledPayments(entityId, accountId),
  requestOf: accountDatasetRequestOf,
  write: (db, { vault }, { accountId }, answer, fetchedAt) => writeDataset(db, vault, accountId, 'scheduled_payments', answer, split, fetchedAt),
};

export function scheduledPaymentsByAccountLoader(context: KindContext) {
  return datasetByAccountLoader<'scheduled_payments', ScheduledPaymentDetails, ScheduledPaymentPersonal>(
    context,
    scheduledPaymentsKind,
    (entityId, accountId) => ({ entityId, accountId }),
    context.cache.scheduledPaymentsMs,
  );
}
