import type { BankAgent, CounterpartyAccount } from '../../model/counterparty-account.js';
import type { Money } from '../../model/money.js';
import type { StandingOrder } from '../../model/standing-order.js';
import { accountDatasetRequestOf, datasetByAccountLoader, writeDataset, type DatasetRead, type DatasetSplit } from '../account-datasets.js';
import type { KindContext } from '../context.js';
import type { KindModule } from './kind.js';

/** The item's `amount` is the next payment's; the others are decimal text here. Instants as ISO text. */
export interface StandingOrderDetails {
  readonly id: string;
  readonly status: string | null;
  readonly type: string | null;
  readonly frequency: string | null;
  readonly interval: string | null;
  readonly numberOfPayments: number | null;
  readonly reference: string | null;
  readonly purpose: string | null;
  readonly firstPaymentAt: string | null;
  readonly lastPaymentAt: string | null;
  readonly nextPaymentAt: string | null;
  readonly finalPaymentAt: string | null;
  readonly firstPaymentAmount: Money | null;
  readonly lastPaymentAmount: Money | null;
  readonly finalPaymentAmount: Money | null;
  readonly agent: BankAgent | null;
}
/** Whom it pays: sealed at rest. */
export interface StandingOrderPersonal {
  readonly account: CounterpartyAccount | null;
}
export type StandingOrdersRead = DatasetRead<StandingOrderDetails, StandingOrderPersonal>;

const iso = (date: Date | null) => date?.toISOString() ?? null;

function split(item: StandingOrder): DatasetSplit<StandingOrderDetails, StandingOrderPersonal> {
  return {
    itemId: item.id,
    amount: item.nextPaymentAmount,
    details: {
      id: item.id,
      status: item.status,
      type: item.type,
      frequency: item.frequency,
      interval: item.interval,
      numberOfPayments: item.numberOfPayments,
      reference: item.reference,
      purpose: item.purpose,
      firstPaymentAt: iso(item.firstPaymentAt),
      lastPaymentAt: iso(item.lastPaymentAt),
      nextPaymentAt: iso(item.nextPaymentAt),
      finalPaymentAt: iso(item.finalPaymentAt),
      firstPaymentAmount: item.firstPaymentAmount,
      lastPaymentAmount: item.lastPaymentAmount,
      finalPaymentAmount: item.finalPaymentAmount,
      agent: item.agent,
    },
    personal: { account: item.account },
  };
}

/** Standing orders: per account, served from the store for CACHE_TTL_STANDING_ORDERS. */
export const standingOrdersKind: KindModule<'standing_orders'> = {
  kind: 'standing_orders',
  ask: (lean, { entityId, accountId }) => lean.standingOrders(entityId, accountId),
  requestOf: accountDatasetRequestOf,
  write: (db, { vault }, { accountId }, answer, fetchedAt) => writeDataset(db, vault, accountId, 'standing_orders', answer, split, fetchedAt),
};

export function standingOrdersByAccountLoader(context: KindContext) {
  return datasetByAccountLoader<'standing_orders', StandingOrderDetails, StandingOrderPersonal>(context, standingOrdersKind, (entityId, accountId) => ({ entityId, accountId }), context.cache.standingOrdersMs);
}
