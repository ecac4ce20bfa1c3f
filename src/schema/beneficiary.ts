import type { BeneficiariesRead, BeneficiaryDetails, BeneficiaryPersonal, DatasetItemRow } from '../data/rows.js';
import { builder } from './builder.js';
import { BankAgent, CounterpartyAccount } from './counterparty-account.js';
import { DATASET_OUTCOMES, personalOf, unwrapDataset } from './dataset-outcomes.js';
import { answeringLeanErrors } from './errors.js';
import { PERSONAL_DATA_NOTE } from './personal-data.js';
import { Account } from './refs.js';

const Beneficiary = builder.objectRef<DatasetItemRow<BeneficiaryDetails, BeneficiaryPersonal>>('Beneficiary').implement({
  description: 'Someone the account holder has set up at the bank to pay (KSA open banking).',
  fields: (t) => ({
    beneficiaryId: t.string({ description: "The bank's id of the beneficiary (Lean's `beneficiary_id`).", resolve: (row) => row.details.id }),
    type: t.string({ nullable: true, description: "Lean's `beneficiary_type` as sent (OTHER …).", resolve: (row) => row.details.type }),
    reference: t.string({ nullable: true, description: 'The bank\'s reference of the beneficiary as sent (e.g. `KSA_OB_ACTIVATED`).', resolve: (row) => row.details.reference }),
    bank: t.field({ type: BankAgent, nullable: true, description: "The beneficiary's bank.", resolve: (row) => row.details.agent }),
    holderName: t.string({
      nullable: true,
      description: `The beneficiary's name (Lean's \`account_holder_name\`). ${PERSONAL_DATA_NOTE}`,
      resolve: (row, _a, { principal }) => personalOf(row.personal, principal)?.holderName ?? null,
    }),
    holderShortName: t.string({
      nullable: true,
      description: `The beneficiary's short name (Lean's \`account_holder_short_name\`). ${PERSONAL_DATA_NOTE}`,
      resolve: (row, _a, { principal }) => personalOf(row.personal, principal)?.holderShortName ?? null,
    }),
    account: t.field({
      type: CounterpartyAccount,
      nullable: true,
      description: `The beneficiary's account (Lean's \`creditor_account\`). ${PERSONAL_DATA_NOTE}`,
      resolve: (row, _a, { principal }) => personalOf(row.personal, principal)?.account ?? null,
    }),
  }),
});

const BeneficiaryList = builder.objectRef<BeneficiariesRead & { stale: boolean }>('BeneficiaryList').implement({
  description: "An account's beneficiaries.",
  fields: (t) => ({
    items: t.field({ type: [Beneficiary], description: 'The beneficiaries, in the order the bank lists them.', resolve: (list) => list.items }),
    fetchedAt: t.field({ type: 'DateTime', description: 'When the gateway read them from Lean.', resolve: (list) => list.fetchedAt }),
    stale: t.exposeBoolean('stale', { description: 'True when Lean failed and this is the copy fetched earlier; the response `errors` then say why.' }),
  }),
});

builder.objectFields(Account, (t) => ({
  beneficiaries: t.field({
    type: BeneficiaryList,
    nullable: true,
    description: 'The people and companies the holder has set up to pay (KSA: permission `beneficiaries`), served from the gateway for `CACHE_TTL_BENEFICIARIES_SECONDS`; or a typed answer (not offered, permission not granted, pending …).',
    errors: { types: DATASET_OUTCOMES, union: { name: 'BeneficiariesResult', description: 'The beneficiaries, or a typed answer telling the front end what to do next.' } },
    resolve: async (account, _a, context, info) => {
      const outcome = await answeringLeanErrors(() => context.data.beneficiariesOf(account.id));
      return outcome === undefined ? null : unwrapDataset(outcome, 'beneficiaries', context, info);
    },
  }),
}));
