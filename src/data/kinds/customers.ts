import type DataLoader from 'dataloader';
import type { Customer } from '../../model/customer.js';
import { LeanApiError } from '../../model/upstream-errors.js';
import { adoptCustomer, customersByAppUserIds, customersByIds, type CustomerRow } from '../../store/customers-store.js';
import type { KindContext } from '../context.js';
import { batchLoader } from '../store-loader.js';

/** Customers: kept once Lean knows them (created here, or adopted from Lean on first sight); never expire. */

export function customerByIdLoader({ db }: KindContext): DataLoader<string, CustomerRow | undefined> {
  return batchLoader((ids) => customersByIds(db, ids), (row) => row.id);
}

export function customerByAppUserIdLoader({ db }: KindContext): DataLoader<string, CustomerRow | undefined> {
  return batchLoader((ids) => customersByAppUserIds(db, ids), (row) => row.app_user_id);
}

/** The customer Lean answers the lookup with, recorded here; undefined when Lean does not know it. */
export async function adoptFromLean(context: KindContext, lookUp: () => Promise<Customer>): Promise<CustomerRow | undefined> {
  const known = await lookUp().catch(notFoundAsUndefined);
  return known === undefined ? undefined : adoptCustomer(context.db, known);
}

/** Creates the customer at Lean, or adopts the one Lean already has for this `app_user_id`. */
export async function createAtLean(context: KindContext, appUserId: string): Promise<CustomerRow> {
  let created: Customer;
  try {
    created = await context.lean.createCustomer(appUserId);
  } catch (error) {
    if (!(error instanceof LeanApiError && error.leanStatus === 'CUSTOMER_ALREADY_EXISTS')) throw error;
    created = await context.lean.getCustomerByAppUserId(appUserId);
  }
  return adoptCustomer(context.db, created);
}

function notFoundAsUndefined(error: unknown): undefined {
  if (error instanceof LeanApiError && error.httpStatus === 404) return undefined;
  throw error;
}
