import type { Kysely, Selectable } from 'kysely';
import type { CustomersTable, Tables } from '../db/tables.js';
import type { Customer } from '../model/customer.js';

export type CustomerRow = Selectable<CustomersTable>;

export async function customersByIds(db: Kysely<Tables>, ids: readonly string[]): Promise<CustomerRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('customers').selectAll().where('id', 'in', ids).execute();
}

export async function customersByAppUserIds(db: Kysely<Tables>, appUserIds: readonly string[]): Promise<CustomerRow[]> {
  if (appUserIds.length === 0) return [];
  return db.selectFrom('customers').selectAll().where('app_user_id', 'in', appUserIds).execute();
}

/** Records a customer Lean knows; a second call for the same customer changes nothing. */
export async function adoptCustomer(db: Kysely<Tables>, customer: Customer): Promise<CustomerRow> {
  await db
    .insertInto('customers')
    .values({ id: customer.id, app_user_id: customer.appUserId })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return db.selectFrom('customers').selectAll().where('id', '=', customer.id).executeTakeFirstOrThrow();
}
