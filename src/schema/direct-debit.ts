import type { DatasetItemRow, DirectDebitDetails, DirectDebitPersonal, DirectDebitsRead } from '../data/rows.js';
import { builder } from './builder.js';
import { MandateStatus, PaymentFrequency } from './dataset-enums.js';
import { DATASET_OUTCOMES, personalOf, unwrapDataset } from './dataset-outcomes.js';
import { answeringLeanErrors } from './errors.js';
import { PERSONAL_DATA_NOTE } from './personal-data.js';
import { Account } from './refs.js';
import { Money } from './transaction.js';

const toDate = (iso: string | null) => (iso === null ? null : new Date(iso));

const DirectDebit = builder.objectRef<DatasetItemRow<DirectDebitDetails, DirectDebitPersonal>>('DirectDebit').implement({
  description: 'A mandate that lets someone debit the account (KSA open banking).',
  fields: (t) => ({
    directDebitId: t.string({ description: "The bank's id of the direct debit.", resolve: (row) => row.details.id }),
    status: t.field({ type: MandateStatus.ref, nullable: true, description: 'Whether it is in force.', resolve: (row) => MandateStatus.of(row.details.status) }),
    statusCode: t.string({ nullable: true, description: "Lean's `status_code` as sent.", resolve: (row) => row.details.status }),
    frequency: t.field({ type: PaymentFrequency.ref, nullable: true, description: 'How often it debits.', resolve: (row) => PaymentFrequency.of(row.details.frequency) }),
    frequencyCode: t.string({ nullable: true, description: "Lean's `frequency` as sent.", resolve: (row) => row.details.frequency }),
    mandateIdentification: t.string({ nullable: true, description: 'The mandate\'s reference at the bank.', resolve: (row) => row.details.mandateIdentification }),
    previousPaymentAt: t.field({ type: 'DateTime', nullable: true, description: 'When it last debited.', resolve: (row) => toDate(row.details.previousPaymentAt) }),
    previousPaymentAmount: t.field({ type: Money, nullable: true, description: 'What it last debited, exact.', resolve: (row) => row.amount }),
    name: t.string({
      nullable: true,
      description: `Who debits the account (Lean's \`name\`). ${PERSONAL_DATA_NOTE}`,
      resolve: (row, _a, { principal }) => personalOf(row.personal, principal)?.name ?? null,
    }),
  }),
});

const DirectDebitList = builder.objectRef<DirectDebitsRead & { stale: boolean }>('DirectDebitList').implement({
  description: "An account's direct debits.",
  fields: (t) => ({
    items: t.field({ type: [DirectDebit], description: 'The direct debits, in the order the bank lists them.', resolve: (list) => list.items }),
    fetchedAt: t.field({ type: 'DateTime', description: 'When the gateway read them from Lean.', resolve: (list) => list.fetchedAt }),
    stale: t.exposeBoolean('stale', { description: 'True when Lean failed and this is the copy fetched earlier; the response `errors` then say why.' }),
  }),
});

builder.objectFields(Account, (t) => ({
  directDebits: t.field({
    type: DirectDebitList,
    nullable: true,
    description: 'The mandates that let others debit the account (KSA: permission `direct_debits`), served from the gateway for `CACHE_TTL_DIRECT_DEBITS_SECONDS`; or a typed answer (not offered, permission not granted, pending …).',
    errors: { types: DATASET_OUTCOMES, union: { name: 'DirectDebitsResult', description: 'The direct debits, or a typed answer telling the front end what to do next.' } },
    resolve: async (account, _a, context, info) => {
      const outcome = await answeringLeanErrors(() => context.data.directDebitsOf(account.id));
      return outcome === undefined ? null : unwrapDataset(outcome, 'direct_debits', context, info);
    },
  }),
}));
