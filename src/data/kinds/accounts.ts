import type DataLoader from 'dataloader';
import { accountsByIds, accountsOfEntities, saveAccounts, type AccountRow, type EntityAccounts } from '../../store/accounts-store.js';
import type { KindContext } from '../context.js';
import { answerFromLean } from '../lean-answer.js';
import { fresh, type Outcome } from '../outcome.js';
import { isFresh, readThroughLoader } from '../read-through.js';
import { bankDataDown, refusal } from '../refusals.js';
import { batchLoader } from '../store-loader.js';
import type { KindModule } from './kind.js';

/**
 * Accounts: Lean's list per entity, served from the store for CACHE_TTL_ACCOUNTS; each list Lean
 * answers is the truth for the entity (an account it no longer lists is deleted).
 */
export const accountsKind: KindModule<'accounts'> = {
  kind: 'accounts',
  ask: (lean, { entityId }) => lean.accounts(entityId),
  requestOf: (pending) => ({ entityId: pending.entity_id }),
  write: (db, { vault }, { entityId }, accounts, fetchedAt) => saveAccounts(db, vault, entityId, accounts, fetchedAt),
};

/** The accounts of each entity: from the store while fresh, else from Lean (a disconnected entity has none). */
export function accountsByEntityLoader(context: KindContext): DataLoader<string, Outcome<AccountRow[]> | undefined, string> {
  const { db, vault, cache } = context;
  const storedAccounts = async (entityId: string) => (await accountsOfEntities(db, vault, [entityId])).get(entityId)?.accounts ?? [];
  return readThroughLoader<string, EntityAccounts, AccountRow[]>(
    {
      kind: 'accounts',
      id: (entityId) => entityId,
      read: (ids) => accountsOfEntities(db, vault, ids),
      settle: (stored, _key, now) => {
        if (stored === undefined) return undefined;
        if (stored.status === 'DISCONNECTED') return fresh([]);
        const refused = refusal(stored, 'accounts');
        if (refused !== undefined) return refused;
        return isFresh(stored.accountsFetchedAt, cache.accountsMs, now) ? fresh(stored.accounts) : 'fetch';
      },
      fetch: (entityId, stored) => answerFromLean(context, accountsKind, { entityId }, stored, () => storedAccounts(entityId)),
      staleCopy: (stored) => (stored.accountsFetchedAt === null && stored.accounts.length === 0 ? undefined : stored.accounts),
      bankDown: bankDataDown,
    },
    context,
  );
}

/** Accounts by id, from the store only. */
export function accountByIdLoader({ db, vault }: KindContext): DataLoader<string, AccountRow | undefined> {
  return batchLoader((ids) => accountsByIds(db, vault, ids), (row) => row.id);
}
