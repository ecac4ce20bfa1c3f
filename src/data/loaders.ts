import type { KindContext } from './context.js';
import { accountByIdLoader, accountsByEntityLoader } from './kinds/accounts.js';
import { balanceByAccountLoader } from './kinds/balance.js';
import { beneficiariesByAccountLoader } from './kinds/beneficiaries.js';
import { directDebitsByAccountLoader } from './kinds/direct-debits.js';
import { partiesByAccountLoader } from './kinds/parties.js';
import { scheduledPaymentsByAccountLoader } from './kinds/scheduled-payments.js';
import { standingOrdersByAccountLoader } from './kinds/standing-orders.js';
import { bankAvailabilityByIdentifierLoader, bankListByAccountTypeLoader } from './kinds/banks.js';
import { customerByAppUserIdLoader, customerByIdLoader } from './kinds/customers.js';
import { bankByIdentifierLoader, consentsByEntityLoader, entitiesByCustomerLoader, entityByIdLoader, refreshStateByEntityLoader } from './kinds/entities.js';
import { identityByEntityLoader } from './kinds/identity.js';
import { transactionByKeyLoader, transactionsCoverageLoader } from './kinds/transactions.js';

/**
 * The loaders of one request, built from the kind modules. None depends on the principal: what a
 * caller may see is decided by `GatewayData` over what they load, so a set may be shared between
 * subscribers of one event.
 */
export function createRequestLoaders(context: KindContext) {
  return {
    customerById: customerByIdLoader(context),
    customerByAppUserId: customerByAppUserIdLoader(context),
    entityById: entityByIdLoader(context),
    accountById: accountByIdLoader(context),
    consentsByEntity: consentsByEntityLoader(context),
    bankByIdentifier: bankByIdentifierLoader(context),
    bankListByAccountType: bankListByAccountTypeLoader(context),
    bankAvailabilityByIdentifier: bankAvailabilityByIdentifierLoader(context),
    refreshStateByEntity: refreshStateByEntityLoader(context),
    transactionByKey: transactionByKeyLoader(context),
    entitiesByCustomer: entitiesByCustomerLoader(context),
    accountsByEntity: accountsByEntityLoader(context),
    balanceByAccount: balanceByAccountLoader(context),
    identityByEntity: identityByEntityLoader(context),
    transactionsCoverage: transactionsCoverageLoader(context),
    beneficiariesByAccount: beneficiariesByAccountLoader(context),
    directDebitsByAccount: directDebitsByAccountLoader(context),
    scheduledPaymentsByAccount: scheduledPaymentsByAccountLoader(context),
    standingOrdersByAccount: standingOrdersByAccountLoader(context),
    partiesByAccount: partiesByAccountLoader(context),
  };
}

export type RequestLoaders = ReturnType<typeof createRequestLoaders>;

/** Forgets everything the loaders hold. */
export function clearLoaders(loaders: RequestLoaders): void {
  for (const loader of Object.values(loaders)) loader.clearAll();
}
