import type { AccountRow, BalanceRow, ConsentRow, CustomerRow, EntityRow, IdentityRow, TransactionRow } from '../data/rows.js';
import { builder } from './builder.js';
import type { StaleReasonValue } from './outcomes.js';

// The domain types' refs, in one place so that type files can point at each other without import cycles.
export const Customer = builder.objectRef<CustomerRow>('Customer');
export const Entity = builder.objectRef<EntityRow>('Entity');
export const Consent = builder.objectRef<ConsentRow>('Consent');
export const Account = builder.objectRef<AccountRow>('Account');
export const BalanceRef = builder.objectRef<BalanceRow & { stale: boolean; staleReason?: StaleReasonValue | null }>('Balance');
export const Transaction = builder.objectRef<TransactionRow>('Transaction');
export const Identity = builder.objectRef<IdentityRow>('Identity');
