/**
 * SAMA's per-account datasets (KSA open banking) that Lean's UAE does not offer: Lean's name of
 * each, which is also the permission an entity needs to read it.
 */
export const KSA_DATASETS = ['beneficiaries', 'direct_debits', 'scheduled_payments', 'standing_orders', 'identities'] as const;
export type KsaDataset = (typeof KSA_DATASETS)[number];

/** What Lean answers for one of them: the account's items, or that the bank or region does not offer the dataset (`UNSUPPORTED`). */
export type DatasetAnswer<T> = { readonly offered: true; readonly items: readonly T[] } | { readonly offered: false };
