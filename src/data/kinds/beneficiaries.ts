import type { Beneficiary } from '../../model/beneficiary.js';
import type { BankAgent, CounterpartyAccount } from '../../model/counterparty-account.js';
import { accountDatasetRequestOf, datasetByAccountLoader, writeDataset, type DatasetRead, type DatasetSplit } from '../account-datasets.js';
import type { KindContext } from '../context.js';
import type { KindModule } from './kind.js';

export interface BeneficiaryDetails {
  readonly id: string;
  readonly type: string | null;
  readonly reference: string | null;
  readonly agent: BankAgent | null;
}
/** Who the beneficiary is: sealed at rest. */
export interface BeneficiaryPersonal {
  readonly holderName: string | null;
  readonly holderShortName: string | null;
  readonly account: CounterpartyAccount | null;
}
export type BeneficiariesRead = DatasetRead<BeneficiaryDetails, BeneficiaryPersonal>;

function split(item: Beneficiary): DatasetSplit<BeneficiaryDetails, BeneficiaryPersonal> {
  const { holderName, holderShortName, account, ...details } = item;
  return { itemId: item.id, amount: null, details, personal: { holderName, holderShortName, account } };
}

/** Beneficiaries: per account, served from the store for CACHE_TTL_BENEFICIARIES. */
export const beneficiariesKind: KindModule<'beneficiaries'> = {
  kind: 'beneficiaries',
  ask: (lean, { entityId, accountId }) => lean.beneficiaries(entityId, accountId),
  requestOf: accountDatasetRequestOf,
  write: (db, { vault }, { accountId }, answer, fetchedAt) => writeDataset(db, vault, accountId, 'beneficiaries', answer, split, fetchedAt),
};

export function beneficiariesByAccountLoader(context: KindContext) {
  return datasetByAccountLoader<'beneficiaries', BeneficiaryDetails, BeneficiaryPersonal>(context, beneficiariesKind, (entityId, accountId) => ({ entityId, accountId }), context.cache.beneficiariesMs);
}
