import type DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { PersonalDataVault } from '../../crypto/personal-data.js';
import type { Tables } from '../../db/tables.js';
import type { BankDetails, Entity } from '../../model/entity.js';
import { LeanApiError } from '../../model/upstream-errors.js';
import {
  banksByIdentifiers,
  consentsOfEntities,
  disconnectEntity,
  entitiesByIds,
  entitiesOfCustomers,
  expireEntityData,
  saveCustomerEntities,
  saveEntity,
  upsertBank,
  type BankRow,
  type ConsentRow,
  type CustomerEntities,
  type EntityRow,
} from '../../store/entities-store.js';
import { refreshStatesOfEntities, type EntityRefreshRow } from '../../store/entity-refresh-store.js';
import { inTransaction } from '../../store/transaction-scope.js';
import { announceEvents, publishEvent } from '../../events/bus.js';
import type { KindContext } from '../context.js';
import { fresh, type Outcome } from '../outcome.js';
import { isFresh, readThroughLoader } from '../read-through.js';
import { batchGroupLoader, batchLoader } from '../store-loader.js';

/**
 * Entities and their consents: Lean's list per customer, served from the store for
 * CACHE_TTL_ENTITIES. The list Lean answers is the truth: an entity it no longer lists is
 * disconnected here.
 */

/** A customer's entity list as Lean answered it, not stored yet. */
export interface EntityList {
  readonly customerId: string;
  readonly entities: readonly Entity[];
  readonly fetchedAt: Date;
}

/** Asks Lean for the customer's entity list; `saveEntityList` stores it (a webhook asks first, then stores in its own transaction). */
export async function askEntityList(context: Pick<KindContext, 'lean' | 'now'>, customerId: string): Promise<EntityList> {
  const fetchedAt = context.now();
  return { customerId, entities: await context.lean.listEntities(customerId), fetchedAt };
}

export async function saveEntityList(db: Kysely<Tables>, vault: PersonalDataVault, list: EntityList): Promise<void> {
  const moved = await inTransaction(db, async (trx) => {
    const entityIds = await saveCustomerEntities(trx, vault, list.customerId, list.entities, list.fetchedAt);
    for (const entityId of entityIds) await publishEvent(trx, { topic: 'consentChanged', customerId: list.customerId, entityId });
    return entityIds.length;
  });
  if (moved > 0 && !db.isTransaction) announceEvents(db);
}

/** Reads the customer's entity list from Lean and stores it. */
export async function fetchEntityList(context: KindContext, customerId: string): Promise<void> {
  await saveEntityList(context.db, context.vault, await askEntityList(context, customerId));
}

/**
 * How one entity Lean describes becomes rows (with what `entity.created` says of its bank, when it
 * says it): refreshes and webhooks alike; `consentChanged` when its consent lapsed or was given again.
 */
export async function saveLeanEntity(db: Kysely<Tables>, vault: PersonalDataVault, entity: Entity, fetchedAt: Date, bank?: BankDetails): Promise<void> {
  if (bank !== undefined) await upsertBank(db, bank);
  // A consent revoked, ended or given again moves the entity's consent state: said in the transaction of the write.
  const moved = await inTransaction(db, async (trx) => {
    if (!(await saveEntity(trx, vault, entity, fetchedAt))) return false;
    await publishEvent(trx, { topic: 'consentChanged', customerId: entity.customerId, entityId: entity.id });
    return true;
  });
  if (moved && !db.isTransaction) announceEvents(db);
}

/** Reads the entity from Lean again (unknown there: disconnected here); its accounts and identity are fetched again at their next read. */
export async function refreshEntityFromLean(context: KindContext, entity: EntityRow): Promise<void> {
  const { db } = context;
  const fetchedAt = context.now();
  try {
    await saveLeanEntity(db, context.vault, await context.lean.getEntity(entity.customer_id, entity.id), fetchedAt);
  } catch (error) {
    if (!(error instanceof LeanApiError && error.httpStatus === 404)) throw error;
    await db.transaction().execute((trx) => disconnectEntity(trx, entity.id));
  }
  await expireEntityData(db, entity.id);
}

/** Deletes the entity at Lean (already gone there is the outcome wanted), marks it disconnected and deletes what was read from the bank. */
export async function disconnectAtLean(context: KindContext, entity: EntityRow): Promise<void> {
  if (entity.status === 'DISCONNECTED') return;
  try {
    await context.lean.deleteEntity(entity.customer_id, entity.id);
  } catch (error) {
    if (!(error instanceof LeanApiError && error.httpStatus === 404)) throw error;
  }
  await context.db.transaction().execute((trx) => disconnectEntity(trx, entity.id));
}

/** The entities of each customer: from the store while its list is fresh, else from Lean. */
export function entitiesByCustomerLoader(context: KindContext): DataLoader<string, Outcome<EntityRow[]> | undefined, string> {
  const { db, cache } = context;
  return readThroughLoader<string, CustomerEntities, EntityRow[]>(
    {
      kind: 'entities',
      id: (customerId) => customerId,
      read: (ids) => entitiesOfCustomers(db, ids),
      settle: (stored, _key, now) => {
        if (stored === undefined) return undefined;
        return isFresh(stored.entitiesFetchedAt, cache.entitiesMs, now) ? fresh(stored.entities) : 'fetch';
      },
      fetch: async (customerId) => {
        await fetchEntityList(context, customerId);
        const stored = (await entitiesOfCustomers(db, [customerId])).get(customerId);
        return fresh(stored?.entities ?? []);
      },
      staleCopy: (stored) => (stored.entitiesFetchedAt === null ? undefined : stored.entities),
    },
    context,
  );
}

export function entityByIdLoader({ db }: KindContext): DataLoader<string, EntityRow | undefined> {
  return batchLoader((ids) => entitiesByIds(db, ids), (row) => row.id);
}

export function consentsByEntityLoader({ db, vault }: KindContext): DataLoader<string, ConsentRow[]> {
  return batchGroupLoader((ids) => consentsOfEntities(db, vault, ids), (row) => row.entity_id);
}

export function bankByIdentifierLoader({ db }: KindContext): DataLoader<string, BankRow | undefined> {
  return batchLoader((ids) => banksByIdentifiers(db, ids), (row) => row.identifier);
}

/** What Lean's data-store workflow told of each entity (its latest refresh), from the store only. */
export function refreshStateByEntityLoader({ db }: KindContext): DataLoader<string, EntityRefreshRow | undefined> {
  return batchLoader((ids) => refreshStatesOfEntities(db, ids), (row) => row.entity_id);
}
