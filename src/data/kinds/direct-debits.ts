import type { DirectDebit } from '../../model/direct-debit.js';
import { accountDatasetRequestOf, datasetByAccountLoader, writeDataset, type DatasetRead, type DatasetSplit } from '../account-datasets.js';
import type { KindContext } from '../context.js';
import type { KindModule } from './kind.js';

/** The amount is the item's `amount` (the previous payment's). */
export interface DirectDebitDetails {
  readonly id: string;
  readonly status: string | null;
  readonly frequency: string | null;
  readonly mandateIdentification: string | null;
  /** ISO instant. */
  readonly previousPaymentAt: string | null;
}
/** Who debits the account: sealed at rest. */
export interface DirectDebitPersonal {
  readonly name: string | null;
}
export type DirectDebitsRead = DatasetRead<DirectDebitDetails, DirectDebitPersonal>;

function split(item: DirectDebit): DatasetSplit<DirectDebitDetails, DirectDebitPersonal> {
  return {
    itemId: item.id,
    amount: item.previousPaymentAmount,
    details: { id: item.id, status: item.status, frequency: item.frequency, mandateIdentification: item.mandateIdentification, previousPaymentAt: item.previousPaymentAt?.toISOString() ?? null },
    personal: { name: item.name },
  };
}

/** Direct debits: per account, served from the store for CACHE_TTL_DIRECT_DEBITS. */
export const directDebitsKind: KindModule<'direct_debits'> = {
  kind: 'direct_debits',
  ask: (lean, { entityId, accountId }) => lean.directDebits(entityId, accountId),
  requestOf: accountDatasetRequestOf,
  write: (db, { vault }, { accountId }, answer, fetchedAt) => writeDataset(db, vault, accountId, 'direct_debits', answer, split, fetchedAt),
};

export function directDebitsByAccountLoader(context: KindContext) {
  return datasetByAccountLoader<'direct_debits', DirectDebitDetails, DirectDebitPersonal>(context, directDebitsKind, (entityId, accountId) => ({ entityId, accountId }), context.cache.directDebitsMs);
}
