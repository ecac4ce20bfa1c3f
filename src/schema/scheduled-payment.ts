import type { DatasetItemRow, ScheduledPaymentDetails, ScheduledPaymentPersonal, ScheduledPaymentsRead } from '../data/rows.js';
import { builder } from './builder.js';
import { BankAgent, CounterpartyAccount } from './counterparty-account.js';
import { ScheduledPaymentTiming } from './dataset-enums.js';
import { DATASET_OUTCOMES, personalOf, unwrapDataset } from './dataset-outcomes.js';
import { answeringLeanErrors } from './errors.js';
import { PERSONAL_DATA_NOTE } from './personal-data.js';
import { Account } from './refs.js';
import { Money } from './transaction.js';

const ScheduledPayment = builder.objectRef<DatasetItemRow<ScheduledPaymentDetails, ScheduledPaymentPersonal>>('ScheduledPayment').implement({
  description: 'A single payment the bank will make on a day (KSA open banking).',
  fields: (t) => ({
    scheduledPaymentId: t.string({ description: "The bank's id of the scheduled payment.", resolve: (row) => row.details.id }),
    timing: t.field({ type: ScheduledPaymentTiming.ref, nullable: true, description: 'What `scheduledAt` means.', resolve: (row) => ScheduledPaymentTiming.of(row.details.type) }),
    scheduledType: t.string({ nullable: true, description: "Lean's `scheduled_type` as sent.", resolve: (row) => row.details.type }),
    scheduledAt: t.field({ type: 'DateTime', nullable: true, description: 'The day of the payment.', resolve: (row) => (row.details.scheduledAt === null ? null : new Date(row.details.scheduledAt)) }),
    amount: t.field({ type: Money, nullable: true, description: 'What it pays, exact (`instructed_amount`).', resolve: (row) => row.amount }),
    debtorReference: t.string({ nullable: true, description: 'The reference the holder sees.', resolve: (row) => row.details.debtorReference }),
    reference: t.string({ nullable: true, description: 'The reference the payee sees.', resolve: (row) => row.details.reference }),
    bank: t.field({ type: BankAgent, nullable: true, description: "The payee's bank.", resolve: (row) => row.details.agent }),
    account: t.field({
      type: CounterpartyAccount,
      nullable: true,
      description: `The payee's account (Lean's \`creditor_account\`). ${PERSONAL_DATA_NOTE}`,
      resolve: (row, _a, { principal }) => personalOf(row.personal, principal)?.account ?? null,
    }),
  }),
});

const ScheduledPaymentList = builder.objectRef<ScheduledPaymentsRead & { stale: boolean }>('ScheduledPaymentList').implement({
  description: "An account's scheduled payments.",
  fields: (t) => ({
    items: t.field({ type: [ScheduledPayment], description: 'The scheduled payments, in the order the bank lists them.', resolve: (list) => list.items }),
    fetchedAt: t.field({ type: 'DateTime', description: 'When the gateway read them from Lean.', resolve: (list) => list.fetchedAt }),
    stale: t.exposeBoolean('stale', { description: 'True when Lean failed and this is the copy fetched earlier; the response `errors` then say why.' }),
  }),
});

builder.objectFields(Account, (t) => ({
  scheduledPayments: t.field({
    type: ScheduledPaymentList,
    nullable: true,
    description: 'The single payments the bank will make (KSA: permission `scheduled_payments`), served from the gateway for `CACHE_TTL_SCHEDULED_PAYMENTS_SECONDS`; or a typed answer (not offered, permission not granted, pending …).',
    errors: { types: DATASET_OUTCOMES, union: { name: 'ScheduledPaymentsResult', description: 'The scheduled payments, or a typed answer telling the front end what to do next.' } },
    resolve: async (account, _a, context, info) => {
      const outcome = await answeringLeanErrors(() => context.data.scheduledPaymentsOf(account.id));
      return outcome === undefined ? null : unwrapDataset(outcome, 'scheduled_payments', context, info);
    },
  }),
}));
