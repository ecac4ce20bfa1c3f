import type { EntityStatus, PermissionSet } from '../db/tables.js';

/** What every read of an entity's data needs to know about the entity: whose it is, whether it is linked, what it may read. */
export interface EntityGate {
  readonly entity_id: string;
  readonly customer_id: string;
  readonly app_user_id: string;
  readonly status: EntityStatus;
  readonly permissions: PermissionSet;
  readonly account_type: string | null;
}

/** An account's entity gate. */
export interface AccountGate extends EntityGate {
  readonly account_id: string;
}
