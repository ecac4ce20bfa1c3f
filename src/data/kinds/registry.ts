import { accountsKind } from './accounts.js';
import { balanceKind } from './balance.js';
import { identityKind } from './identity.js';
import type { KindRegistry } from './kind.js';
import { transactionsKind } from './transactions.js';

/** Every kind of Lean data a call may answer asynchronously; a new kind is a new module added here. */
export const DATA_KINDS: KindRegistry = {
  identity: identityKind,
  accounts: accountsKind,
  balance: balanceKind,
  transactions: transactionsKind,
};
