import type { DatasetItemRow, StandingOrderDetails, StandingOrderPersonal, StandingOrdersRead } from '../data/rows.js';
import { builder } from './builder.js';
import { BankAgent, CounterpartyAccount } from './counterparty-account.js';
import { MandateStatus, PaymentFrequency } from './dataset-enums.js';
import { DATASET_OUTCOMES, personalOf, unwrapDataset } from './dataset-outcomes.js';
import { answeringLeanErrors } from './errors.js';
import { PERSONAL_DATA_NOTE } from './personal-data.js';
import { Account } from './refs.js';
import { Money } from './transaction.js';

const toDate = (iso: string | null) => (iso === null ? null : new Date(iso));

const StandingOrder = builder.objectRef<DatasetItemRow<StandingOrderDetails, StandingOrderPersonal>>('StandingOrder').implement({
  description: 'A payment the bank repeats (KSA open banking).',
  fields: (t) => ({
    standingOrderId: t.string({ description: "The bank's id of the standing order.", resolve: (row) => row.details.id }),
    status: t.field({ type: MandateStatus.ref, nullable: true, description: 'Whether it is in force.', resolve: (row) => MandateStatus.of(row.details.status) }),
    statusCode: t.string({ nullable: true, description: "Lean's `standing_order_status_code` as sent.", resolve: (row) => row.details.status }),
    type: t.string({ nullable: true, description: "Lean's `standing_order_type` as sent: LOCAL_BANK_TRANSFER, SAME_BANK_TRANSFER, CHARITY …", resolve: (row) => row.details.type }),
    frequency: t.field({ type: PaymentFrequency.ref, nullable: true, description: 'How often it pays.', resolve: (row) => PaymentFrequency.of(row.details.frequency) }),
    frequencyCode: t.string({ nullable: true, description: "Lean's `frequency.frequency_type` as sent.", resolve: (row) => row.details.frequency }),
    interval: t.string({ nullable: true, description: "Lean's `frequency.interval` as sent (e.g. `IntervalMonthDay:01:05`, `EveryWorkingDay`).", resolve: (row) => row.details.interval }),
    numberOfPayments: t.int({ nullable: true, description: 'How many payments it makes in all.', resolve: (row) => row.details.numberOfPayments }),
    reference: t.string({ nullable: true, description: 'The reference the payee sees.', resolve: (row) => row.details.reference }),
    purpose: t.string({ nullable: true, description: 'The purpose the holder gave.', resolve: (row) => row.details.purpose }),
    firstPaymentAt: t.field({ type: 'DateTime', nullable: true, description: 'When it first paid.', resolve: (row) => toDate(row.details.firstPaymentAt) }),
    lastPaymentAt: t.field({ type: 'DateTime', nullable: true, description: 'When it last paid.', resolve: (row) => toDate(row.details.lastPaymentAt) }),
    nextPaymentAt: t.field({ type: 'DateTime', nullable: true, description: 'When it pays next.', resolve: (row) => toDate(row.details.nextPaymentAt) }),
    finalPaymentAt: t.field({ type: 'DateTime', nullable: true, description: 'When it pays for the last time.', resolve: (row) => toDate(row.details.finalPaymentAt) }),
    firstPaymentAmount: t.field({ type: Money, nullable: true, description: 'What it first paid, exact.', resolve: (row) => row.details.firstPaymentAmount }),
    lastPaymentAmount: t.field({ type: Money, nullable: true, description: 'What it last paid, exact.', resolve: (row) => row.details.lastPaymentAmount }),
    nextPaymentAmount: t.field({ type: Money, nullable: true, description: 'What it pays next, exact.', resolve: (row) => row.amount }),
    finalPaymentAmount: t.field({ type: Money, nullable: true, description: 'What it pays the last time, exact.', resolve: (row) => row.details.finalPaymentAmount }),
    bank: t.field({ type: BankAgent, nullable: true, description: "The payee's bank.", resolve: (row) => row.details.agent }),
    account: t.field({
      type: CounterpartyAccount,
      nullable: true,
      description: `The payee's account (Lean's \`creditor_account\`); null where the bank gives none. ${PERSONAL_DATA_NOTE}`,
      resolve: (row, _a, { principal }) => personalOf(row.personal, principal)?.account ?? null,
    }),
  }),
});

const StandingOrderList = builder.objectRef<StandingOrdersRead & { stale: boolean }>('StandingOrderList').implement({
  description: "An account's standing orders.",
  fields: (t) => ({
    items: t.field({ type: [StandingOrder], description: 'The standing orders, in the order the bank lists them.', resolve: (list) => list.items }),
    fetchedAt: t.field({ type: 'DateTime', description: 'When the gateway read them from Lean.', resolve: (list) => list.fetchedAt }),
    stale: t.exposeBoolean('stale', { description: 'True when Lean failed and this is the copy fetched earlier; the response `errors` then say why.' }),
  }),
});

builder.objectFields(Account, (t) => ({
  standingOrders: t.field({
    type: StandingOrderList,
    nullable: true,
    description: 'The payments the bank repeats (KSA: permission `standing_orders`), served from the gateway for `CACHE_TTL_STANDING_ORDERS_SECONDS`; or a typed answer (not offered, permission not granted, pending …).',
    errors: { types: DATASET_OUTCOMES, union: { name: 'StandingOrdersResult', description: 'The standing orders, or a typed answer telling the front end what to do next.' } },
    resolve: async (account, _a, context, info) => {
      const outcome = await answeringLeanErrors(() => context.data.standingOrdersOf(account.id));
      return outcome === undefined ? null : unwrapDataset(outcome, 'standing_orders', context, info);
    },
  }),
}));
