import type { Kysely } from 'kysely';
import type { EntityStatus, PermissionSet, Tables } from '../db/tables.js';

/** What every read of an entity's data needs to know about the entity: whose it is, whether it is linked, what it may read. */
export interface EntityGate {
  readonly entity_id: string;
  readonly customer_id: string;
  readonly app_user_id: string;
  readonly status: EntityStatus;
  readonly permissions: PermissionSet;
  readonly account_type: string | null;
  /** When the entity's consent stopped letting its data be read; null while it does. */
  readonly consent_lapsed_at: Date | null;
  readonly bank_identifier: string;
  /** Lean's last word on whether the bank's data is up (`bank_availability`); null when it never said. */
  readonly bank_data_available: boolean | null;
}

/** An account's entity gate. */
export interface AccountGate extends EntityGate {
  readonly account_id: string;
}

/** The columns of an entity's gate, for queries that join `entities` and `customers`. */
export const entityGateColumns = [
  'entities.id as entity_id',
  'entities.customer_id',
  'customers.app_user_id',
  'entities.status',
  'entities.permissions',
  'entities.account_type',
  'entities.consent_lapsed_at',
  'entities.bank_identifier',
  'bank_availability.data_available as bank_data_available',
] as const;

/** The gate alone, out of a wider row. */
export function gateOf(row: EntityGate): EntityGate {
  return {
    entity_id: row.entity_id,
    customer_id: row.customer_id,
    app_user_id: row.app_user_id,
    status: row.status,
    permissions: row.permissions,
    account_type: row.account_type,
    consent_lapsed_at: row.consent_lapsed_at,
    bank_identifier: row.bank_identifier,
    bank_data_available: row.bank_data_available,
  };
}

/** Entities joined with their customer and their bank's availability: what a read of an entity's gate starts from. */
export function entitiesWithOwner(db: Kysely<Tables>) {
  return db
    .selectFrom('entities')
    .innerJoin('customers', 'customers.id', 'entities.customer_id')
    .leftJoin('bank_availability', 'bank_availability.identifier', 'entities.bank_identifier');
}

/** Accounts joined with their entity, its customer and its bank's availability: what a read of an account's gate starts from. */
export function accountsWithOwner(db: Kysely<Tables>) {
  return db
    .selectFrom('accounts')
    .innerJoin('entities', 'entities.id', 'accounts.entity_id')
    .innerJoin('customers', 'customers.id', 'entities.customer_id')
    .leftJoin('bank_availability', 'bank_availability.identifier', 'entities.bank_identifier');
}
