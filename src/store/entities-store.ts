import { sql, type Kysely, type Selectable } from 'kysely';
import type { OpenedText, PersonalDataVault } from '../crypto/personal-data.js';
import { consentLapse, isLiveConsentStatus } from '../model/consent-state.js';
import type { BanksTable, ConsentAccountJson, ConsentsTable, EntitiesTable, EntityLinkColumns, EntityRefreshColumns, EntityStatus, Tables } from '../db/tables.js';
import type { BankDetails, Consent, Entity } from '../model/entity.js';
import { entitiesWithOwner } from './gates.js';
import { inTransaction } from './transaction-scope.js';

/** The refresh state is read on its own (entity-refresh-store.ts), only where it is asked for. */
export type EntityRow = Omit<Selectable<EntitiesTable>, keyof EntityRefreshColumns | keyof EntityLinkColumns> & { readonly app_user_id: string };
/** An account a consent names, as read: identifiers and holder name opened (or why they could not be). */
export interface ConsentAccount {
  readonly scheme_name: string;
  readonly identification: OpenedText;
  readonly name: OpenedText | null;
  readonly secondary_identification: OpenedText | null;
}
export type ConsentRow = Omit<Selectable<ConsentsTable>, 'accounts'> & { readonly accounts: ConsentAccount[] };

/** The personal fields of an account in `consents.accounts`: each sealed, bound to its consent and position. */
export const CONSENT_ACCOUNT_FIELDS = ['identification', 'name', 'secondary_identification'] as const;
export const consentAccountPlace = (consentId: string, position: number, field: (typeof CONSENT_ACCOUNT_FIELDS)[number]) => ({
  table: 'consents',
  column: `accounts.${position}.${field}`,
  row: consentId,
});
export type BankRow = Selectable<BanksTable>;

/** The columns of an entity row, but its owner's app_user_id. */
const entityColumns = [
  'entities.id',
  'entities.customer_id',
  'entities.bank_identifier',
  'entities.account_type',
  'entities.permissions',
  'entities.status',
  'entities.reconnect_id',
  'entities.linked_at',
  'entities.status_changed_at',
  'entities.fetched_at',
  'entities.accounts_fetched_at',
  'entities.bank_type',
  'entities.lean_created_at',
  'entities.consent_lapsed_at',
] as const;

/** Entities by id, with their customer's app_user_id for access checks. */
export async function entitiesByIds(db: Kysely<Tables>, ids: readonly string[]): Promise<EntityRow[]> {
  if (ids.length === 0) return [];
  return entitiesWithOwner(db)
    .select([...entityColumns, 'customers.app_user_id'])
    .where('entities.id', 'in', ids)
    .execute();
}

/** Whose the entity is and whether it is linked, as stored; undefined when it is unknown here. */
export async function entityLinkOf(db: Kysely<Tables>, entityId: string): Promise<{ customer_id: string; status: EntityStatus } | undefined> {
  return db.selectFrom('entities').select(['customer_id', 'status']).where('id', '=', entityId).executeTakeFirst();
}

export interface CustomerEntities {
  readonly entitiesFetchedAt: Date | null;
  readonly entities: EntityRow[];
}

/** For each customer: when its entity list was read from Lean, and the entities stored; one statement. */
export async function entitiesOfCustomers(db: Kysely<Tables>, customerIds: readonly string[]): Promise<Map<string, CustomerEntities>> {
  const found = new Map<string, CustomerEntities>();
  if (customerIds.length === 0) return found;
  const rows = await db
    .selectFrom('customers')
    .leftJoin('entities', 'entities.customer_id', 'customers.id')
    .select(['customers.id as owner_id', 'customers.entities_fetched_at', 'customers.app_user_id as owner_app_user_id', ...entityColumns])
    .where('customers.id', 'in', customerIds)
    .orderBy('entities.linked_at')
    .orderBy('entities.id')
    .execute();
  for (const row of rows) {
    let entry = found.get(row.owner_id);
    if (entry === undefined) {
      entry = { entitiesFetchedAt: row.entities_fetched_at, entities: [] };
      found.set(row.owner_id, entry);
    }
    if (row.id === null || row.customer_id === null || row.bank_identifier === null || row.permissions === null || row.status === null) continue;
    entry.entities.push({
      id: row.id,
      customer_id: row.customer_id,
      bank_identifier: row.bank_identifier,
      account_type: row.account_type,
      permissions: row.permissions,
      status: row.status,
      reconnect_id: row.reconnect_id,
      linked_at: row.linked_at ?? new Date(0),
      status_changed_at: row.status_changed_at ?? new Date(0),
      fetched_at: row.fetched_at ?? new Date(0),
      accounts_fetched_at: row.accounts_fetched_at,
      bank_type: row.bank_type,
      lean_created_at: row.lean_created_at,
      consent_lapsed_at: row.consent_lapsed_at,
      app_user_id: row.owner_app_user_id,
    });
  }
  return found;
}

export async function consentsOfEntities(db: Kysely<Tables>, vault: PersonalDataVault, entityIds: readonly string[]): Promise<ConsentRow[]> {
  if (entityIds.length === 0) return [];
  const rows = await db.selectFrom('consents').selectAll().where('entity_id', 'in', entityIds).orderBy('entity_id').orderBy('position').execute();
  return rows.map((row) => ({
    ...row,
    accounts: row.accounts.map((account, position) => ({
      scheme_name: account.scheme_name,
      identification: vault.open(account.identification, consentAccountPlace(row.id, position, 'identification')),
      name: vault.openNullable(account.name, consentAccountPlace(row.id, position, 'name')),
      secondary_identification: vault.openNullable(account.secondary_identification, consentAccountPlace(row.id, position, 'secondary_identification')),
    })),
  }));
}

export async function banksByIdentifiers(db: Kysely<Tables>, identifiers: readonly string[]): Promise<BankRow[]> {
  if (identifiers.length === 0) return [];
  return db.selectFrom('banks').selectAll().where('identifier', 'in', identifiers).execute();
}

/**
 * Lean's entity list for a customer is the truth: each listed entity is upserted with its consents,
 * and an entity Lean no longer lists is marked disconnected and its cached data deleted. Answers the
 * entities whose consent lapsed or was given again by what the list says.
 */
export async function saveCustomerEntities(db: Kysely<Tables>, vault: PersonalDataVault, customerId: string, entities: readonly Entity[], fetchedAt: Date): Promise<string[]> {
  return inTransaction(db, async (trx) => {
    const consentMoved: string[] = [];
    for (const entity of entities) if (await upsertEntity(trx, vault, entity, fetchedAt)) consentMoved.push(entity.id);
    const listed = entities.map((entity) => entity.id);
    const gone = await trx
      .selectFrom('entities')
      .select('id')
      .where('customer_id', '=', customerId)
      .where('status', '<>', 'DISCONNECTED')
      // An entity first seen after this list was asked for (a webhook raced it) is not gone.
      .where('fetched_at', '<', fetchedAt)
      .$if(listed.length > 0, (q) => q.where('id', 'not in', listed))
      .execute();
    for (const { id } of gone) await disconnectEntity(trx, id);
    await trx.updateTable('customers').set({ entities_fetched_at: fetchedAt }).where('id', '=', customerId).execute();
    return consentMoved;
  });
}

/** One entity as Lean answered it (a refresh), in a transaction; true when its consent lapsed or was given again by what Lean says. */
export async function saveEntity(db: Kysely<Tables>, vault: PersonalDataVault, entity: Entity, fetchedAt: Date): Promise<boolean> {
  return inTransaction(db, (trx) => upsertEntity(trx, vault, entity, fetchedAt));
}

async function upsertEntity(trx: Kysely<Tables>, vault: PersonalDataVault, entity: Entity, fetchedAt: Date): Promise<boolean> {
  const permissions = JSON.stringify(entity.permissions);
  // The earliest consent is when the user linked the bank; UAE entities carry none, so first sight counts.
  const consentCreated = (entity.consents ?? []).map((c) => c.createdAt).filter((d): d is Date => d !== null);
  const linkedAt = consentCreated.length > 0 ? new Date(Math.min(...consentCreated.map((d) => d.getTime()))) : fetchedAt;
  await trx
    .insertInto('entities')
    .values({
      id: entity.id,
      customer_id: entity.customerId,
      bank_identifier: entity.bankIdentifier,
      account_type: entity.accountType,
      bank_type: entity.bankType,
      lean_created_at: entity.createdAt,
      permissions,
      status: 'ACTIVE',
      linked_at: linkedAt,
      fetched_at: fetchedAt,
    })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        bank_identifier: eb.ref('excluded.bank_identifier'),
        account_type: eb.ref('excluded.account_type'),
        bank_type: eb.ref('excluded.bank_type'),
        lean_created_at: eb.ref('excluded.lean_created_at'),
        permissions: eb.ref('excluded.permissions'),
        fetched_at: eb.ref('excluded.fetched_at'),
        // Listed by Lean after it was disconnected here (not by an answer already in flight then): linked anew.
        status: sql<EntityStatus>`case when entities.status = 'DISCONNECTED' and excluded.fetched_at > entities.status_changed_at then 'ACTIVE' else entities.status end`,
      })),
    )
    .execute();
  if (entity.consents === undefined) return false;
  await trx.deleteFrom('consents').where('entity_id', '=', entity.id).execute();
  const consents = entity.consents.map((consent, position) => consentValues(vault, entity.id, consent, position));
  if (consents.length > 0) await trx.insertInto('consents').values(consents).execute();
  return recordConsentLapse(trx, entity, fetchedAt);
}

/**
 * What the consents Lean listed say of reading the entity's data: revoked or ended marks it lapsed
 * (from now, if not already); a live consent given or re-activated after the lapse clears it. True
 * when this write moved it (the row lock makes a concurrent marker's update see it, and do nothing).
 */
async function recordConsentLapse(trx: Kysely<Tables>, entity: Entity, fetchedAt: Date): Promise<boolean> {
  const consents = entity.consents ?? [];
  if (consents.length === 0) return false;
  if (consentLapse(consents, fetchedAt) !== undefined) {
    const marked = await trx.updateTable('entities').set({ consent_lapsed_at: fetchedAt }).where('id', '=', entity.id).where('consent_lapsed_at', 'is', null).executeTakeFirst();
    return marked.numUpdatedRows > 0n;
  }
  const renewedAt = Math.max(
    ...consents.filter((c) => isLiveConsentStatus(c.status)).map((c) => Math.max(c.createdAt?.getTime() ?? 0, c.statusUpdatedAt?.getTime() ?? 0)),
  );
  if (renewedAt <= 0) return false;
  const cleared = await trx.updateTable('entities').set({ consent_lapsed_at: null }).where('id', '=', entity.id).where('consent_lapsed_at', '<', new Date(renewedAt)).executeTakeFirst();
  return cleared.numUpdatedRows > 0n;
}

/** Lean refused a read with CONSENT_EXPIRED: the entity's consent has lapsed from `at`; true when it had not been known to. */
export async function markConsentLapsed(db: Kysely<Tables>, entityId: string, at: Date): Promise<boolean> {
  const updated = await db
    .updateTable('entities')
    .set({ consent_lapsed_at: at })
    .where('id', '=', entityId)
    .where('consent_lapsed_at', 'is', null)
    .where('status', '<>', 'DISCONNECTED')
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}

function consentValues(vault: PersonalDataVault, entityId: string, consent: Consent, position: number) {
  return {
    id: consent.id,
    entity_id: entityId,
    position,
    bank_consent_id: consent.bankConsentId,
    status: consent.status,
    permissions: JSON.stringify(consent.permissions),
    created_at: consent.createdAt,
    status_updated_at: consent.statusUpdatedAt,
    expires_at: consent.expiresAt,
    transactions_from: consent.transactionsFrom,
    transactions_to: consent.transactionsTo,
    accounts: JSON.stringify(
      consent.accounts.map(
        (a, index): ConsentAccountJson => ({
          scheme_name: a.schemeName,
          identification: vault.seal(a.identification, consentAccountPlace(consent.id, index, 'identification')),
          name: vault.sealNullable(a.name, consentAccountPlace(consent.id, index, 'name')),
          secondary_identification: vault.sealNullable(a.secondaryIdentification, consentAccountPlace(consent.id, index, 'secondary_identification')),
        }),
      ),
    ),
  };
}

/** Marks the entity's status (a reconnect id is kept only while reconnection is required); true when it changed. */
export async function setEntityStatus(db: Kysely<Tables>, entityId: string, status: EntityStatus, reconnectId: string | null = null): Promise<boolean> {
  const updated = await db
    .updateTable('entities')
    .set({ status, reconnect_id: reconnectId, status_changed_at: new Date() })
    .where('id', '=', entityId)
    .where('status', '<>', 'DISCONNECTED')
    .where((eb) => eb.or([eb('status', '<>', status), eb('reconnect_id', 'is distinct from', reconnectId)]))
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}

/**
 * Disconnected: the entity row and its consents' dates and statuses stay for the record; everything
 * read from the bank goes, the accounts a consent named included. Run it in a transaction: the row
 * lock of the update makes a concurrent save of this entity's data wait, then skip.
 */
export async function disconnectEntity(db: Kysely<Tables>, entityId: string): Promise<void> {
  await db
    .updateTable('entities')
    .set({ status: 'DISCONNECTED', reconnect_id: null, status_changed_at: new Date(), accounts_fetched_at: null })
    .where('id', '=', entityId)
    .execute();
  await db.deleteFrom('accounts').where('entity_id', '=', entityId).execute(); // balances, transactions, ranges cascade
  await db.deleteFrom('identities').where('entity_id', '=', entityId).execute();
  await db.deleteFrom('pending_results').where('entity_id', '=', entityId).execute();
  await db.updateTable('consents').set({ accounts: '[]' }).where('entity_id', '=', entityId).execute();
}

/**
 * Locks the entity row for a write of its data; false when the entity is gone or disconnected, and
 * the data must not be written (a Lean answer that arrives after the user unlinked the bank).
 * `update`: the writer will update the entity row itself (the account list does), so it takes that
 * lock now rather than upgrading a shared one later, which two writers of one entity would deadlock on.
 *
 * Lock order, for every writer: the entity row first, then its account rows.
 */
export async function lockLinkedEntity(trx: Kysely<Tables>, entityId: string, mode: 'share' | 'update' = 'share'): Promise<boolean> {
  const row = await trx
    .selectFrom('entities')
    .select('status')
    .where('id', '=', entityId)
    .$if(mode === 'share', (q) => q.forShare())
    .$if(mode === 'update', (q) => q.forNoKeyUpdate())
    .executeTakeFirst();
  return row !== undefined && row.status !== 'DISCONNECTED';
}

/**
 * The same for a write of an account's data: its entity linked (locked first, in the order above),
 * then the account still there, held with a key-share lock so that it is not deleted meanwhile (an
 * update of the account's columns by the account list does not wait for it).
 */
export async function lockLinkedAccount(trx: Kysely<Tables>, accountId: string): Promise<boolean> {
  const account = await trx.selectFrom('accounts').select('entity_id').where('id', '=', accountId).executeTakeFirst();
  if (account === undefined || !(await lockLinkedEntity(trx, account.entity_id))) return false;
  const held = await trx.selectFrom('accounts').select('id').where('id', '=', accountId).forKeyShare().executeTakeFirst();
  return held !== undefined;
}

/** The next read of this entity's accounts and identity asks Lean again. */
export async function expireEntityData(db: Kysely<Tables>, entityId: string): Promise<void> {
  await db.updateTable('entities').set({ accounts_fetched_at: null }).where('id', '=', entityId).execute();
  await db.updateTable('identities').set({ fetched_at: new Date(0) }).where('entity_id', '=', entityId).execute();
}

/** What `entity.created` says of a bank: name, logo and colours, kept for every entity of that bank. */
export async function upsertBank(db: Kysely<Tables>, bank: BankDetails): Promise<void> {
  const values = {
    identifier: bank.identifier,
    name: bank.name,
    logo: bank.logo,
    main_color: bank.mainColor,
    background_color: bank.backgroundColor,
    swift_code: bank.swiftCode,
    updated_at: new Date(),
  };
  // Every entity of a bank repeats its details: write (and lock the row) only when they changed.
  const stored = await db.selectFrom('banks').selectAll().where('identifier', '=', bank.identifier).executeTakeFirst();
  if (stored !== undefined && (['name', 'logo', 'main_color', 'background_color', 'swift_code'] as const).every((key) => stored[key] === values[key])) return;
  const { identifier: _key, ...update } = values;
  await db.insertInto('banks').values(values).onConflict((oc) => oc.column('identifier').doUpdateSet(update)).execute();
}

/** Whether `entityLinked` was published for the entity already (by its entity.created or by the reconciler). */
export async function linkAnnounced(db: Kysely<Tables>, entityId: string): Promise<boolean> {
  const row = await db.selectFrom('entities').select('link_announced_at').where('id', '=', entityId).executeTakeFirst();
  return row?.link_announced_at !== null && row?.link_announced_at !== undefined;
}

/** Marks the link announced, in the transaction that publishes `entityLinked`; false when it was already (publish nothing then). */
export async function markLinkAnnounced(db: Kysely<Tables>, entityId: string): Promise<boolean> {
  const updated = await db.updateTable('entities').set({ link_announced_at: new Date() }).where('id', '=', entityId).where('link_announced_at', 'is', null).executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}
