import type { Party } from '../../model/party.js';
import { accountDatasetRequestOf, datasetByAccountLoader, writeDataset, type DatasetRead, type DatasetSplit } from '../account-datasets.js';
import type { KindContext } from '../context.js';
import type { KindModule } from './kind.js';

/** A party's place on the account: not personal. */
export interface PartyDetails {
  readonly partyId: string | null;
  readonly partyNumber: string | null;
  readonly partyType: string | null;
  readonly accountRole: string | null;
}
/** Who the party is: sealed at rest. */
export type PartyPersonal = Omit<Party, keyof PartyDetails>;
export type PartiesRead = DatasetRead<PartyDetails, PartyPersonal>;

function split(item: Party): DatasetSplit<PartyDetails, PartyPersonal> {
  const { partyId, partyNumber, partyType, accountRole, ...personal } = item;
  return { itemId: partyId, amount: null, details: { partyId, partyNumber, partyType, accountRole }, personal };
}

/** An account's parties (Lean's per-account `identities`, permission `identities`), served from the store for CACHE_TTL_PARTIES. */
export const partiesKind: KindModule<'identities'> = {
  kind: 'identities',
  ask: (lean, { entityId, accountId }) => lean.accountParties(entityId, accountId),
  requestOf: accountDatasetRequestOf,
  write: (db, { vault }, { accountId }, answer, fetchedAt) => writeDataset(db, vault, accountId, 'identities', answer, split, fetchedAt),
};

export function partiesByAccountLoader(context: KindContext) {
  return datasetByAccountLoader<'identities', PartyDetails, PartyPersonal>(context, partiesKind, (entityId, accountId) => ({ entityId, accountId }), context.cache.partiesMs);
}
