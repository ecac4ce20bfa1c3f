import type { AccountRow, IdentityRow } from '../store/accounts-store.js';
import type { CustomerRow } from '../store/customers-store.js';
import type { ConsentRow, EntityRow } from '../store/entities-store.js';
import type { TransactionRow } from '../store/transactions-store.js';
import type { Balance } from '../data/gateway-data.js';
import { builder } from './builder.js';

// The domain types' refs, in one place so that type files can point at each other without import cycles.
export const Customer = builder.objectRef<CustomerRow>('Customer');
export const Entity = builder.objectRef<EntityRow>('Entity');
export const Consent = builder.objectRef<ConsentRow>('Consent');
export const Account = builder.objectRef<AccountRow>('Account');
export const BalanceRef = builder.objectRef<Balance & { stale: boolean }>('Balance');
export const Transaction = builder.objectRef<TransactionRow>('Transaction');
export const Identity = builder.objectRef<IdentityRow>('Identity');
