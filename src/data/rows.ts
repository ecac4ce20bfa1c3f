/**
 * The rows the data layer answers with, as the schema sees them: the schema imports these from here,
 * never from the store.
 */
import type { TransactionRow } from '../store/transactions-store.js';

export type { CurrencyExchangeJson, EntityStatus, InboxStatus, RefreshDataStatusJson } from '../db/tables.js';
export type { AccountRow } from '../store/accounts-store.js';
export type { CustomerRow } from '../store/customers-store.js';
export type { ConsentAccount, ConsentRow, EntityRow } from '../store/entities-store.js';
export type { EntityRefreshRow } from '../store/entity-refresh-store.js';
export type { IdentityRow } from '../store/identities-store.js';
export type { TransactionCursor, TransactionRow } from '../store/transactions-store.js';
export type { InboxRow } from '../store/webhook-inbox-store.js';
export type { BalanceRow } from './kinds/balance.js';

/** A transaction's charges as stored (`transactions.charges`). */
export type TransactionChargesJson = NonNullable<TransactionRow['charges']>;
export type { DatasetItemRow, DatasetRead } from './account-datasets.js';
export type { BeneficiariesRead, BeneficiaryDetails, BeneficiaryPersonal } from './kinds/beneficiaries.js';
export type { DirectDebitDetails, DirectDebitPersonal, DirectDebitsRead } from './kinds/direct-debits.js';
export type { PartiesRead, PartyDetails, PartyPersonal } from './kinds/parties.js';
export type { ScheduledPaymentDetails, ScheduledPaymentPersonal, ScheduledPaymentsRead } from './kinds/scheduled-payments.js';
export type { StandingOrderDetails, StandingOrderPersonal, StandingOrdersRead } from './kinds/standing-orders.js';
