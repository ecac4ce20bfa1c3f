import { accountsKind } from './accounts.js';
import { balanceKind } from './balance.js';
import { beneficiariesKind } from './beneficiaries.js';
import { directDebitsKind } from './direct-debits.js';
import { identityKind } from './identity.js';
import type { KindRegistry } from './kind.js';
import { partiesKind } from './parties.js';
import { scheduledPaymentsKind } from './scheduled-payments.js';
import { standingOrdersKind } from './standing-orders.js';
import { transactionsKind } from './transactions.js';

/** Every kind of Lean data a call may answer asynchronously; a new kind is a new module added here. */
export const DATA_KINDS: KindRegistry = {
  identity: identityKind,
  accounts: accountsKind,
  balance: balanceKind,
  transactions: transactionsKind,
  beneficiaries: beneficiariesKind,
  direct_debits: directDebitsKind,
  scheduled_payments: scheduledPaymentsKind,
  standing_orders: standingOrdersKind,
  identities: partiesKind,
};
