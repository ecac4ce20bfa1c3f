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
  };
}

/** Entities joined with their customer: what a read of an entity's gate starts from. */
export function entitiesWithOwner(db: Kysely<Tables>) {
  return db.selectFrom('entities').innerJoin('customers', 'customers.id', 'entities.customer_id');
}

/** Accounts joined with their entity and its customer: what a read of an account's gate starts from. */
export function accountsWithOwner(db: Kysely<Tables>) {
  return db.selectFrom('accounts').innerJoin('entities', 'entities.id', 'accounts.entity_id').innerJoin('customers', 'customers.id', 'entities.customer_id');
}
