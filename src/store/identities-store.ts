import { sql, type Kysely, type Selectable } from 'kysely';
import type { OpenedText, PersonalDataVault } from '../crypto/personal-data.js';
import type { IdentitiesTable, Tables } from '../db/tables.js';
import type { Identity } from '../model/identity.js';
import { lockLinkedEntity } from './entities-store.js';
import { entitiesWithOwner, entityGateColumns, gateOf, type EntityGate } from './gates.js';
import { inTransaction } from './transaction-scope.js';

/** The personal columns of `identities`: each sealed on its own, bound to its entity. */
export const IDENTITY_COLUMNS = ['full_name', 'mobile_number', 'gender', 'national_identity_number', 'birth_date', 'email_address', 'address'] as const;
type IdentityColumn = (typeof IDENTITY_COLUMNS)[number];
/** The field of the model each column holds. */
const IDENTITY_FIELDS: { readonly [C in IdentityColumn]: keyof Identity } = {
  full_name: 'fullName',
  mobile_number: 'mobileNumber',
  gender: 'gender',
  national_identity_number: 'nationalIdentityNumber',
  birth_date: 'birthDate',
  email_address: 'emailAddress',
  address: 'address',
};

/** An identity as read: each field opened (or why it could not be). */
export type IdentityRow = Omit<Selectable<IdentitiesTable>, IdentityColumn> & { readonly [C in IdentityColumn]: OpenedText | null };

const identityPlace = (entityId: string, column: IdentityColumn) => ({ table: 'identities', column, row: entityId });

export interface EntityIdentity extends EntityGate {
  readonly identity: IdentityRow | null;
}

/** For each entity: its gate and the stored identity, if any; one statement. */
export async function identitiesOfEntities(db: Kysely<Tables>, vault: PersonalDataVault, entityIds: readonly string[]): Promise<Map<string, EntityIdentity>> {
  const found = new Map<string, EntityIdentity>();
  if (entityIds.length === 0) return found;
  const rows = await entitiesWithOwner(db)
    .leftJoin('identities', 'identities.entity_id', 'entities.id')
    .select([
      ...entityGateColumns,
      'identities.full_name',
      'identities.mobile_number',
      'identities.gender',
      'identities.national_identity_number',
      'identities.birth_date',
      'identities.email_address',
      'identities.address',
      'identities.fetched_at',
    ])
    .where('entities.id', 'in', entityIds)
    .execute();
  for (const row of rows) {
    const opened = (column: IdentityColumn) => vault.openNullable(row[column], identityPlace(row.entity_id, column));
    found.set(row.entity_id, {
      ...gateOf(row),
      identity:
        row.fetched_at === null
          ? null
          : {
              entity_id: row.entity_id,
              full_name: opened('full_name'),
              mobile_number: opened('mobile_number'),
              gender: opened('gender'),
              national_identity_number: opened('national_identity_number'),
              birth_date: opened('birth_date'),
              email_address: opened('email_address'),
              address: opened('address'),
              fetched_at: row.fetched_at,
            },
    });
  }
  return found;
}

/** False (nothing written) when the entity was disconnected meanwhile. */
export async function saveIdentity(db: Kysely<Tables>, vault: PersonalDataVault, entityId: string, identity: Identity, fetchedAt: Date): Promise<boolean> {
  const sealed = (column: IdentityColumn) => vault.sealNullable(identity[IDENTITY_FIELDS[column]], identityPlace(entityId, column));
  const values = {
    entity_id: entityId,
    full_name: sealed('full_name'),
    mobile_number: sealed('mobile_number'),
    gender: sealed('gender'),
    national_identity_number: sealed('national_identity_number'),
    birth_date: sealed('birth_date'),
    email_address: sealed('email_address'),
    address: sealed('address'),
    fetched_at: fetchedAt,
  };
  const { entity_id: _key, ...update } = values;
  return inTransaction(db, async (trx) => {
    if (!(await lockLinkedEntity(trx, entityId))) return false;
    await trx
      .insertInto('identities')
      .values(values)
      .onConflict((oc) => oc.column('entity_id').doUpdateSet(update).where(sql<boolean>`identities.fetched_at <= excluded.fetched_at`))
      .execute();
    return true;
  });
}
