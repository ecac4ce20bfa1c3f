import type { Account } from '../model/account.js';
import type { Balance } from '../model/balance.js';
import type { Beneficiary } from '../model/beneficiary.js';
import type { DatasetAnswer } from '../model/dataset-answer.js';
import type { DirectDebit } from '../model/direct-debit.js';
import type { Party } from '../model/party.js';
import type { ScheduledPayment } from '../model/scheduled-payment.js';
import type { StandingOrder } from '../model/standing-order.js';
import type { CatalogueBank } from '../model/bank.js';
import type { AccountType } from '../model/consent-rules.js';
import type { Customer } from '../model/customer.js';
import type { Entity } from '../model/entity.js';
import type { Identity } from '../model/identity.js';
import type { DataKind, DataOf, LeanResult, RefreshRequestResult } from '../model/results.js';
import type { Transaction } from '../model/transaction.js';
import type { LeanCallCounter } from './transport.js';

/** Which generation of Lean's API a client speaks. */
export type LeanApiVersion = 'v1' | 'v2';

export interface TransactionsQuery {
  /** `YYYY-MM-DD`, inclusive, UTC */
  readonly startDate: string;
  readonly endDate: string;
  readonly insights: boolean;
}

/** An entity of Lean's list of entities created in a date range: which one, whose, and Lean's status of it (`ACTIVE` …). */
export interface CreatedEntity {
  readonly id: string;
  readonly customerId: string;
  readonly status: string | null;
}

/** One of an entity's refreshes as Lean lists them (`GET /data/v2/refreshes?entity_id`), newest first. */
export interface RefreshListed {
  readonly refreshId: string;
  readonly status: string;
  /** When Lean last changed it (for a finished one: when it finished); null when Lean did not say. */
  readonly updatedAt: Date | null;
}

/** A customer-scoped token for the Link SDK (v2 `scope=customer.<id>`); it cannot read data. */
export interface CustomerLinkToken {
  readonly accessToken: string;
  readonly expiresAt: Date;
}

/**
 * Lean, as the data layer and the webhook processor see it: the same typed answers in the gateway's
 * own model whichever generation (v1 app token + mTLS, v2 OAuth2) is spoken on the wire. Errors are
 * those of `model/upstream-errors.ts`.
 */
export interface LeanApi {
  readonly version: LeanApiVersion;
  /** HTTP attempts so far, per endpoint template and outcome. */
  readonly calls: LeanCallCounter;
  /** Never retried blindly: a lost answer is resolved by a lookup, not a second create. */
  createCustomer(appUserId: string): Promise<Customer>;
  getCustomer(customerId: string): Promise<Customer>;
  getCustomerByAppUserId(appUserId: string): Promise<Customer>;
  listEntities(customerId: string): Promise<Entity[]>;
  getEntity(customerId: string, entityId: string): Promise<Entity>;
  /** Unlinks the bank at Lean. */
  deleteEntity(customerId: string, entityId: string): Promise<void>;
  /** Lean's bank catalogue for one account type (`GET /banks/v1`), the same for every customer. */
  banks(accountType: AccountType): Promise<CatalogueBank[]>;
  identity(entityId: string): Promise<LeanResult<Identity>>;
  accounts(entityId: string): Promise<LeanResult<readonly Account[]>>;
  balance(entityId: string, accountId: string): Promise<LeanResult<Balance>>;
  transactions(entityId: string, accountId: string, query: TransactionsQuery): Promise<LeanResult<readonly Transaction[]>>;
  // SAMA's per-account datasets (v2, KSA). `offered: false`: the bank or region does not offer it (Lean's UNSUPPORTED; always from v1, without a call).
  beneficiaries(entityId: string, accountId: string): Promise<LeanResult<DatasetAnswer<Beneficiary>>>;
  directDebits(entityId: string, accountId: string): Promise<LeanResult<DatasetAnswer<DirectDebit>>>;
  scheduledPayments(entityId: string, accountId: string): Promise<LeanResult<DatasetAnswer<ScheduledPayment>>>;
  standingOrders(entityId: string, accountId: string): Promise<LeanResult<DatasetAnswer<StandingOrder>>>;
  /** The account's parties (`GET /data/v2/accounts/{id}/identities`). */
  accountParties(entityId: string, accountId: string): Promise<LeanResult<DatasetAnswer<Party>>>;
  /** The answer to a call that went PENDING, read as that call's kind. */
  results<K extends DataKind>(resultsId: string, kind: K): Promise<LeanResult<DataOf<K>>>;
  /** v2: asks Lean to read the bank again (`POST /data/v2/refreshes`); undefined from v1, which has no such call. */
  requestRefresh(entityId: string): Promise<RefreshRequestResult | undefined>;
  /** v2: a customer-scoped token for `Lean.connect`; undefined from v1 (the app token is enough there). */
  customerLinkToken(customerId: string): Promise<CustomerLinkToken | undefined>;
  /**
   * v2: the entities created on the days `startDate` to `endDate` (`YYYY-MM-DD`, UTC), every page
   * read; undefined from v1, which has no such list. Catching up after downtime starts here.
   */
  entitiesCreatedBetween(startDate: string, endDate: string): Promise<CreatedEntity[] | undefined>;
  /** v2: the entity's latest refreshes, newest first; undefined from v1. */
  refreshesOfEntity(entityId: string): Promise<RefreshListed[] | undefined>;
  /**
   * v2: one refresh with what it read (`GET /data/v2/refreshes/{refresh_id}`), as Lean's body: the
   * shape of the refresh webhook's payload, read by the same parser; undefined from v1.
   */
  refreshDetails(refreshId: string): Promise<unknown>;
  close(): Promise<void>;
}
