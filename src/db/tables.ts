import type { ColumnType, Generated } from 'kysely';
import type { DataKind } from '../model/results.js';

/** Every gateway process that started against this database, and whether it stopped cleanly. */
export interface GatewayInstancesTable {
  id: string;
  hostname: string;
  pid: number;
  version: string;
  database_kind: string;
  started_at: ColumnType<Date, Date | undefined, never>;
  stopped_at: ColumnType<Date | null, never, Date | null>;
}

export type EntityStatus = 'ACTIVE' | 'RECONNECT_REQUIRED' | 'DISCONNECTED';
export type PendingStatus = 'PENDING' | 'RECONNECT_REQUIRED' | 'READY' | 'FAILED';
/** A Lean permission set as stored: each permission name → granted. */
export type PermissionSet = Record<string, boolean>;

/** An account in `consents.accounts`; identification, name and secondary_identification are sealed (src/crypto/personal-data.ts). */
export interface ConsentAccountJson {
  scheme_name: string;
  identification: string;
  name: string | null;
  secondary_identification: string | null;
}

/** A customer of ours at Lean; `entities_fetched_at` says when its entity list was last read. */
export interface CustomersTable {
  id: string;
  app_user_id: string;
  created_at: ColumnType<Date, Date | undefined, never>;
  entities_fetched_at: Date | null;
}

/** What Lean's `entity.created` told us about a bank (name, logo, colours). */
export interface BanksTable {
  identifier: string;
  name: string | null;
  logo: string | null;
  main_color: string | null;
  background_color: string | null;
  swift_code: string | null;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** When Lean's bank catalogue was last read, per account type. */
export interface BankCatalogueReadsTable {
  account_type: string;
  fetched_at: Date;
}

/** One bank of Lean's catalogue for one account type, as last read. */
export interface BankCatalogueTable {
  account_type: string;
  identifier: string;
  position: number;
  name: string;
  logo: string | null;
  main_color: string | null;
  background_color: string | null;
  region: string;
  data_available: boolean;
  payments_available: boolean;
  fetched_at: ColumnType<Date, Date | undefined, Date>;
}

/** Whether a bank is up at Lean, as last said (webhook or catalogue), and as of when. */
export interface BankAvailabilityTable {
  identifier: string;
  data_available: boolean;
  payments_available: boolean;
  as_of: Date;
  source: 'webhook' | 'catalogue';
}

/** Lean's `data_status` of an entity's latest refresh, as stored. */
export interface RefreshDataStatusJson {
  accounts: string | null;
  identity: string | null;
  account_data: {
    account_id: string;
    datasets: Record<string, string>;
    transactions_from: string | null;
    transactions_to: string | null;
    complete_months: number | null;
  }[];
}

/** What Lean's data-store workflow (`entity.data.refresh.updated`) tells of an entity (migration 0005). */
export interface EntityRefreshColumns {
  /** When Lean last read the bank into its data store (v2 `refreshed_at`, or a finished refresh). */
  refreshed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  refresh_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The latest refresh's status as Lean said it: PENDING, FINISHED, OK … */
  refresh_status: ColumnType<string | null, string | null | undefined, string | null>;
  refresh_updated_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  refresh_data_status: ColumnType<RefreshDataStatusJson | null, string | null | undefined, string | null>;
}

/** When `entityLinked` was published for the entity (migration 0014); null until it is. Read only by the link's announcement. */
export interface EntityLinkColumns {
  link_announced_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface EntitiesTable extends EntityRefreshColumns, EntityLinkColumns {
  id: string;
  customer_id: string;
  bank_identifier: string;
  account_type: string | null;
  permissions: ColumnType<PermissionSet, string, string>;
  status: EntityStatus;
  reconnect_id: string | null;
  linked_at: ColumnType<Date, Date | undefined, Date>;
  status_changed_at: ColumnType<Date, Date | undefined, Date>;
  fetched_at: Date;
  accounts_fetched_at: Date | null;
  /** v2: `bank_type` (RETAIL …). */
  bank_type: ColumnType<string | null, string | null | undefined, string | null>;
  /** v2: when Lean created the entity. */
  lean_created_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** When the gateway learned that the entity's consent no longer lets its data be read (revoked, expired, CONSENT_EXPIRED); null while it does. */
  consent_lapsed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface ConsentsTable {
  id: string;
  entity_id: string;
  position: number;
  bank_consent_id: string | null;
  status: string;
  permissions: ColumnType<PermissionSet, string, string>;
  created_at: Date | null;
  status_updated_at: Date | null;
  expires_at: Date | null;
  transactions_from: Date | null;
  transactions_to: Date | null;
  accounts: ColumnType<ConsentAccountJson[], string, string>;
}

export interface AccountsTable {
  id: string;
  entity_id: string;
  position: number;
  name: string | null;
  type: string | null;
  currency: string;
  /** Sealed text (src/crypto/personal-data.ts), bound to the account id. */
  iban: string | null;
  fetched_at: Date;
  /** v2: `account_holder_name`, sealed text bound to the account id. */
  holder_name: ColumnType<string | null, string | null | undefined, string | null>;
  /** v2: `account_sub_type` (CURRENT, SAVINGS, CREDIT …). */
  sub_type: ColumnType<string | null, string | null | undefined, string | null>;
  /** v2: `status` (ENABLED, DISABLED …). */
  status: ColumnType<string | null, string | null | undefined, string | null>;
  /** v2: `opening_date`, read back as `YYYY-MM-DD`. */
  opening_date: ColumnType<string | null, string | null | undefined, string | null>;
  nickname: ColumnType<string | null, string | null | undefined, string | null>;
}

/** One entry of a v2 balance breakdown, amounts as exact decimal text. */
export interface BalanceEntryJson {
  type: string;
  amount: string;
  currency: string;
  credit_debit: string | null;
  date_time: string | null;
  credit_lines: { type: string | null; included: boolean | null; amount: string; currency: string }[];
}

export interface BalancesTable {
  account_id: string;
  /** `numeric`, read back as its exact decimal text. */
  amount: string;
  currency: string;
  fetched_at: Date;
  /** v2: the balance type `amount` is; null from v1. */
  type: ColumnType<string | null, string | null | undefined, string | null>;
  breakdown: ColumnType<BalanceEntryJson[], string | undefined, string>;
}

/** Every personal column is sealed text (src/crypto/personal-data.ts), bound to its entity. */
export interface IdentitiesTable {
  entity_id: string;
  full_name: string | null;
  mobile_number: string | null;
  gender: string | null;
  national_identity_number: string | null;
  birth_date: string | null;
  email_address: string | null;
  address: string | null;
  fetched_at: Date;
}

export interface TransactionsTable {
  account_id: string;
  transaction_id: string;
  timestamp: Date;
  description: string | null;
  amount: string;
  currency: string;
  pending: boolean;
  description_cleansed: string | null;
  category: string | null;
  category_code: string | null;
  category_confidence: number | null;
  type: string | null;
  type_confidence: number | null;
  fetched_at: Date;
  /** v2 only (null from v1): */
  booking_status: ColumnType<string | null, string | null | undefined, string | null>;
  value_date: ColumnType<Date | null, Date | null | undefined, Date | null>;
  reference: ColumnType<string | null, string | null | undefined, string | null>;
  merchant_name: ColumnType<string | null, string | null | undefined, string | null>;
  merchant_category_code: ColumnType<string | null, string | null | undefined, string | null>;
  transaction_type: ColumnType<string | null, string | null | undefined, string | null>;
  sub_transaction_type: ColumnType<string | null, string | null | undefined, string | null>;
  /** Sealed JSON text ({name, scheme_name, identification, bank}), bound to the account and transaction ids. */
  counterparty: ColumnType<string | null, string | null | undefined, string | null>;
  currency_exchange: ColumnType<CurrencyExchangeJson | null, string | null | undefined, string | null>;
  charges: ColumnType<{ amount: string; currency: string; included: boolean | null } | null, string | null | undefined, string | null>;
}

export interface CurrencyExchangeJson {
  source_currency: string | null;
  target_currency: string | null;
  unit_currency: string | null;
  exchange_rate: string | null;
  contract_identification: string | null;
  quotation_date: string | null;
  instructed_amount: { amount: string; currency: string } | null;
}

export interface TransactionRangesTable {
  id: Generated<number>;
  account_id: string;
  /** `YYYY-MM-DD`, inclusive, UTC days. */
  start_date: string;
  end_date: string;
  fetched_at: Date;
  expires_at: Date | null;
}

/** Per account and SAMA dataset: when Lean was last asked, and whether the bank offers it (migration 0011). */
export interface AccountDatasetReadsTable {
  account_id: string;
  dataset: string;
  offered: boolean;
  fetched_at: Date;
}

/** One item of a SAMA dataset's answer, in Lean's order. */
export interface AccountDatasetItemsTable {
  account_id: string;
  dataset: string;
  position: number;
  item_id: string | null;
  /** `numeric`, read back as its exact decimal text: the item's headline amount. */
  amount: string | null;
  currency: string | null;
  /** What is not personal, as JSON (further amounts as decimal text). */
  details: ColumnType<Record<string, unknown>, string, string>;
  /** Sealed JSON text of what says who someone is, bound to the account, dataset and position. */
  personal: string | null;
}

/** A data call Lean answered PENDING or RECONNECT_REQUIRED: what was asked, so `results.ready` can complete it. */
export interface PendingResultsTable {
  results_id: string;
  kind: DataKind;
  status: PendingStatus;
  customer_id: string;
  entity_id: string;
  account_id: string | null;
  start_date: string | null;
  end_date: string | null;
  reconnect_id: string | null;
  requested_at: ColumnType<Date, Date | undefined, never>;
  completed_at: Date | null;
}

export type InboxStatus = 'RECEIVED' | 'APPLIED' | 'IGNORED' | 'INVALID' | 'FAILED';

/** A webhook as Lean delivered it (signature checked), and how far applying it got. */
export interface WebhookInboxTable {
  id: Generated<number>;
  event_key: string;
  type: string | null;
  body: string;
  received_at: ColumnType<Date, Date | undefined, never>;
  status: ColumnType<InboxStatus, InboxStatus | undefined, InboxStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: ColumnType<Date, Date | undefined, Date>;
  last_error: string | null;
  processed_at: Date | null;
  /** The Lean entity the row concerns, when it names one: rows of one entity are applied in order of arrival. */
  entity_key: string | null;
  /** Set while an instance applies the row (its lease); null otherwise, a retry's backoff included. */
  claimed_until: Date | null;
}

/** Tables that held rows before personal data was sealed (migration 0004): the gateway seals them at start, then deletes the row. */
export interface PersonalDataUnsealedTable {
  table_name: 'identities' | 'accounts' | 'consents';
}

/** An event the gateway published, in the transaction of its change (migration 0007). */
export interface EventLogTable {
  position: ColumnType<number, never, never>;
  /** The xid8 of the writing transaction, read as text (it may pass 2^53). */
  tx: ColumnType<string, never, never>;
  topic: string;
  customer_id: string | null;
  results_id: string | null;
  event: ColumnType<unknown, string, never>;
  created_at: ColumnType<Date, never, never>;
}

/** A key being fetched from Lean by one claim (`holder`) of one instance, until `until` at the latest. */
export interface LeanFetchLeasesTable {
  key: string;
  holder: string;
  until: Date;
}

/** A notice sent about a consent: one of each kind per consent, written with the event that announced it. */
export interface ConsentNoticesTable {
  consent_id: string;
  notice: 'EXPIRING' | 'EXPIRED';
  entity_id: string;
  customer_id: string;
  expires_at: Date;
  sent_at: ColumnType<Date, Date | undefined, never>;
}

/** How far pruning has reached in the event log: one row, absent until the first prune. */
export interface EventLogHorizonTable {
  id: 1;
  tx: string;
  position: number;
}

export interface Tables {
  gateway_instances: GatewayInstancesTable;
  customers: CustomersTable;
  banks: BanksTable;
  bank_catalogue_reads: BankCatalogueReadsTable;
  bank_catalogue: BankCatalogueTable;
  bank_availability: BankAvailabilityTable;
  entities: EntitiesTable;
  consents: ConsentsTable;
  accounts: AccountsTable;
  balances: BalancesTable;
  identities: IdentitiesTable;
  transactions: TransactionsTable;
  transaction_ranges: TransactionRangesTable;
  pending_results: PendingResultsTable;
  webhook_inbox: WebhookInboxTable;
  personal_data_unsealed: PersonalDataUnsealedTable;
  event_log: EventLogTable;
  event_log_horizon: EventLogHorizonTable;
  lean_fetch_leases: LeanFetchLeasesTable;
  consent_notices: ConsentNoticesTable;
  account_dataset_reads: AccountDatasetReadsTable;
  account_dataset_items: AccountDatasetItemsTable;
  reconcile_runs: ReconcileRunsTable;
}

/** Per catch-up job: the last day a run read through successfully (`YYYY-MM-DD`), and when. */
export interface ReconcileRunsTable {
  job: string;
  through_day: string;
  finished_at: Date;
}
