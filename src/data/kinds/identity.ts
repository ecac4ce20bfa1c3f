import type DataLoader from 'dataloader';
import { identitiesOfEntities, saveIdentity, type EntityIdentity, type IdentityRow } from '../../store/identities-store.js';
import type { KindContext } from '../context.js';
import { answerFromLean } from '../lean-answer.js';
import { fresh, type Outcome } from '../outcome.js';
import { isFresh, readThroughLoader } from '../read-through.js';
import { bankDataDown, refusal } from '../refusals.js';
import type { KindModule } from './kind.js';

/** Identity: the account holder per entity, sealed at rest, served from the store for CACHE_TTL_IDENTITY. */
export const identityKind: KindModule<'identity'> = {
  kind: 'identity',
  ask: (lean, { entityId }) => lean.identity(entityId),
  requestOf: (pending) => ({ entityId: pending.entity_id }),
  write: (db, { vault }, { entityId }, identity, fetchedAt) => saveIdentity(db, vault, entityId, identity, fetchedAt),
};

/** The identity of each entity: from the store while fresh, else from Lean (never for a business account). */
export function identityByEntityLoader(context: KindContext): DataLoader<string, Outcome<IdentityRow> | undefined, string> {
  const { db, vault, cache } = context;
  return readThroughLoader<string, EntityIdentity, IdentityRow>(
    {
      kind: 'identity',
      id: (entityId) => entityId,
      read: (ids) => identitiesOfEntities(db, vault, ids),
      settle: (stored, _key, now) => {
        if (stored === undefined) return undefined;
        const refused = refusal(stored, 'identity');
        if (refused !== undefined) return refused;
        return stored.identity !== null && isFresh(stored.identity.fetched_at, cache.identityMs, now) ? fresh(stored.identity) : 'fetch';
      },
      fetch: (entityId, stored) =>
        answerFromLean(context, identityKind, { entityId }, stored, async () => {
          const saved = (await identitiesOfEntities(db, vault, [entityId])).get(entityId)?.identity;
          if (saved === null || saved === undefined) throw new Error('identity vanished after it was saved');
          return saved;
        }),
      staleCopy: (stored) => stored.identity ?? undefined,
      bankDown: bankDataDown,
    },
    context,
  );
}
