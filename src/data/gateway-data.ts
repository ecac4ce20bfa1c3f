import type { Principal } from '../auth/principal.js';
import type { PersonalDataUnreadable } from '../crypto/personal-data.js';
import type { InboxStatus } from '../db/tables.js';
import type { Counterparty } from '../model/transaction.js';
import { expireAccountData, type AccountRow } from '../store/accounts-store.js';
import type { CustomerRow } from '../store/customers-store.js';
import type { BankRow, ConsentRow, EntityRow } from '../store/entities-store.js';
import type { IdentityRow } from '../store/identities-store.js';
import { pendingRequest, type PendingRow } from '../store/pending-results-store.js';
import { openCounterparty, transactionsPage, type TransactionPage, type TransactionRow } from '../store/transactions-store.js';
import { recentWebhooks, replayFailedWebhooks, type InboxRow } from '../store/webhook-inbox-store.js';
import type { CustomerLinkToken } from '../lean/api.js';
import type { RefreshRequestResult } from '../model/results.js';
import type { BankAvailability } from '../model/bank.js';
import type { Region } from '../model/consent-rules.js';
import type { EntityRefreshRow } from '../store/entity-refresh-store.js';
import type { DataDependencies, KindContext } from './context.js';
import { DataScope } from './data-scope.js';
import { requestRefreshAtLean } from './entity-refresh.js';
import { recordConsentRefusal } from './lean-answer.js';
import type { BalanceRow } from './kinds/balance.js';
import type { BeneficiariesRead } from './kinds/beneficiaries.js';
import type { DirectDebitsRead } from './kinds/direct-debits.js';
import type { PartiesRead } from './kinds/parties.js';
import type { ScheduledPaymentsRead } from './kinds/scheduled-payments.js';
import type { StandingOrdersRead } from './kinds/standing-orders.js';
import { mergeBankLists, type BankListing } from './kinds/banks.js';
import { adoptFromLean, createAtLean } from './kinds/customers.js';
import { disconnectAtLean, fetchEntityList, refreshEntityFromLean } from './kinds/entities.js';
import { transactionKey, transactionPagesLoader, type TransactionsQuery } from './kinds/transactions.js';
import { clearLoaders, createRequestLoaders, type RequestLoaders } from './loaders.js';
import { fresh, mapOutcome, type Outcome } from './outcome.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Per subscription event, the subscriber whose loaders the event's other subscribers share. */
const firstReaderOf = new WeakMap<object, GatewayData>();
/** Per gateway (its dependencies), the key under which its idle subscription contexts share their loaders. */
const idleKeys = new WeakMap<DataDependencies, object>();

/**
 * The data one GraphQL request may see, read through Postgres: per-request loaders built from the
 * kind modules (`kinds/`), Lean asked only for what is missing or stale, and every answer limited
 * to what the principal may see (another customer's data reads as not found).
 */
export class GatewayData {
  private readonly context: KindContext;
  private loaders: RequestLoaders;
  /** Pages asked for in the same tick are read in one statement; never cached, never shared. */
  private readonly transactionPages: ReturnType<typeof transactionPagesLoader>;
  private ownCustomer: Promise<CustomerRow | undefined> | undefined;
  /** Whose stored data this request read (what its answer depends on). */
  readonly read = new DataScope();
  /** Whose stored data this request's mutations changed. */
  readonly changed = new DataScope();

  constructor(
    private readonly deps: DataDependencies,
    readonly principal: Principal,
  ) {
    this.context = {
      db: deps.db,
      vault: deps.vault,
      lean: deps.lean,
      cache: deps.cache,
      inFlight: deps.inFlight,
      fetchSharing: deps.fetchSharing,
      cacheReads: deps.cacheReads,
      now: deps.now ?? (() => new Date()),
      entityChanged: (entityId) => this.loaders.entityById.clear(entityId),
      entityGone: (entityId) => this.forgetEntity(entityId),
    };
    this.loaders = createRequestLoaders(this.context);
    this.transactionPages = transactionPagesLoader(this.context);
  }

  /** Forgets everything loaded so far: a subscription reads each event's data afresh. */
  forgetAll(): void {
    clearLoaders(this.loaders);
  }

  /**
   * `forgetAll` once per subscription event: the first subscriber to resolve `event` reads its data
   * afresh, and every other subscriber of the same event object takes over those loaders, so the
   * event's rows are read once instead of once per subscriber. Only loaders are shared, and none of
   * them depends on the principal: what each subscriber may see is still decided by its own principal.
   */
  forgetAllOnce(event: object): void {
    const first = firstReaderOf.get(event);
    if (first === undefined) {
      this.forgetAll();
      firstReaderOf.set(event, this);
      return;
    }
    if (first !== this) this.loaders = first.loaders;
  }

  /**
   * For a context that lives on between events (a subscription's): gives up its own loaders for
   * ones shared by every such context, which hold at most one event's rows (`forgetAllOnce` clears
   * them for each event), so a thousand idle subscribers do not keep a thousand sets of loaders.
   */
  releaseLoaders(): void {
    let idle = idleKeys.get(this.deps);
    if (idle === undefined) {
      idle = {};
      idleKeys.set(this.deps, idle);
    }
    this.forgetAllOnce(idle);
  }

  /** What a PENDING or RECONNECT_REQUIRED answer was for, if the principal may see it. */
  async pendingRequest(resultsId: string): Promise<PendingRow | undefined> {
    const row = await pendingRequest(this.deps.db, resultsId);
    if (row === undefined) {
      this.read.addEveryone();
      return undefined;
    }
    const customer = await this.customer(row.customer_id);
    return customer === undefined ? undefined : row;
  }

  /** The newest transactions of an account in [startDate, endDate], from the store only. */
  storedTransactions(accountId: string, startDate: string, endDate: string, limit: number): Promise<TransactionRow[]> {
    return transactionsPage(
      this.deps.db,
      { accountId, startDate, endDate, categories: undefined, direction: undefined },
      { after: undefined, before: undefined, limit, inverted: false },
    );
  }

  /** The newest received webhooks (services only; the caller checks). */
  webhookDeliveries(status: InboxStatus | undefined, limit: number): Promise<Omit<InboxRow, 'body'>[]> {
    this.read.addEveryone();
    return recentWebhooks(this.deps.db, status, limit);
  }

  async replayFailedWebhooks(): Promise<number> {
    const replayed = await replayFailedWebhooks(this.deps.db);
    if (replayed > 0) this.changed.addEveryone();
    return replayed;
  }

  // --- who may see what -------------------------------------------------------------------------

  private visible(appUserId: string): boolean {
    const { principal } = this;
    return principal.kind === 'service' || (principal.kind === 'endUser' && principal.appUserId === appUserId);
  }

  /** The end user's own customer (found in the store, else adopted from Lean); undefined for services. */
  viewerCustomer(): Promise<CustomerRow | undefined> {
    const { principal } = this;
    if (principal.kind !== 'endUser') return Promise.resolve(undefined);
    this.ownCustomer ??= this.lookUpCustomerByAppUserId(principal.appUserId);
    return this.ownCustomer.then((own) => this.readCustomer(own));
  }

  // --- customers --------------------------------------------------------------------------------

  /** A customer by Lean's customer id, if the principal may see it; one Lean lookup when the store has none. */
  async customer(id: string): Promise<CustomerRow | undefined> {
    if (this.principal.kind === 'endUser') {
      const own = await this.viewerCustomer();
      return own?.id === id ? own : undefined;
    }
    if (!UUID.test(id)) return undefined;
    // Found or not, adopted from Lean or not, the answer is about this customer id.
    this.read.add(id);
    const stored = await this.loaders.customerById.load(id);
    if (stored !== undefined) return stored;
    return adoptFromLean(this.context, () => this.deps.lean.getCustomer(id));
  }

  async customerByAppUser(appUserId: string): Promise<CustomerRow | undefined> {
    if (!this.visible(appUserId)) return undefined;
    return this.principal.kind === 'endUser' ? this.viewerCustomer() : this.readCustomer(await this.lookUpCustomerByAppUserId(appUserId));
  }

  /** A customer found (its id is read), or none (its creation anywhere may change the answer). */
  private readCustomer(row: CustomerRow | undefined): CustomerRow | undefined {
    if (row === undefined) this.read.addEveryone();
    else this.read.add(row.id);
    return row;
  }

  /** A row the principal may see belongs to its customer; a row not found (or not theirs) may be linked anywhere later. */
  private readOwned<R extends { readonly customer_id: string; readonly app_user_id: string }>(row: R | undefined): R | undefined {
    if (row === undefined || !this.visible(row.app_user_id)) {
      this.read.addEveryone();
      return undefined;
    }
    this.read.add(row.customer_id);
    return row;
  }

  private async lookUpCustomerByAppUserId(appUserId: string): Promise<CustomerRow | undefined> {
    const stored = await this.loaders.customerByAppUserId.load(appUserId);
    if (stored !== undefined) return stored;
    return adoptFromLean(this.context, () => this.deps.lean.getCustomerByAppUserId(appUserId));
  }

  /**
   * Creates the customer at Lean, or adopts the one Lean already has for this `app_user_id`; the
   * same call twice, or at once from two places, gives the same customer.
   */
  async createCustomer(appUserId: string): Promise<CustomerRow> {
    const stored = await this.loaders.customerByAppUserId.load(appUserId);
    if (stored !== undefined) return stored;
    const row = await createAtLean(this.context, appUserId);
    this.changed.add(row.id);
    this.loaders.customerByAppUserId.clear(appUserId).prime(appUserId, row);
    return row;
  }

  // --- entities ---------------------------------------------------------------------------------

  async entitiesOf(customerId: string): Promise<Outcome<EntityRow[]>> {
    this.read.add(customerId);
    return (await this.loaders.entitiesByCustomer.load(customerId)) ?? fresh([]);
  }

  async entity(id: string): Promise<EntityRow | undefined> {
    if (!UUID.test(id)) return undefined;
    return this.readOwned(await this.loaders.entityById.load(id));
  }

  consentsOf(entityId: string): Promise<ConsentRow[]> {
    return this.loaders.consentsByEntity.load(entityId);
  }

  bank(identifier: string): Promise<BankRow | undefined> {
    return this.loaders.bankByIdentifier.load(identifier);
  }

  /** Lean's last word on whether the bank is up (`bank.availability.updated` or its catalogue, the newer); the same for every principal. */
  bankAvailability(identifier: string): Promise<BankAvailability | undefined> {
    return this.loaders.bankAvailabilityByIdentifier.load(identifier);
  }

  /** Lean's bank catalogue (personal and business lists, merged), of one region or all; the same for every principal. */
  async banks(region: Region | undefined): Promise<BankListing[]> {
    const lists = await Promise.all((['PERSONAL', 'BUSINESS'] as const).map(async (accountType) => {
      const outcome = await this.loaders.bankListByAccountType.load(accountType);
      return outcome?.kind === 'ok' ? outcome.value : [];
    }));
    return mergeBankLists(lists).filter((listing) => region === undefined || listing.bank.region === region);
  }

  /** Reads the customer's entity list from Lean now. */
  async refreshEntities(customerId: string): Promise<void> {
    await fetchEntityList(this.context, customerId);
    this.changed.add(customerId);
    this.loaders.entitiesByCustomer.clear(customerId);
  }

  /** Reads the entity from Lean now; its accounts and identity are fetched again at their next read. */
  async refreshEntity(entity: EntityRow): Promise<EntityRow | undefined> {
    await refreshEntityFromLean(this.context, entity);
    this.changed.add(entity.customer_id);
    this.forgetEntity(entity.id);
    return this.loaders.entityById.load(entity.id);
  }

  /** What Lean's data-store workflow told of the entity: when Lean last read the bank, and its latest refresh. */
  refreshStateOf(entityId: string): Promise<EntityRefreshRow | undefined> {
    return this.loaders.refreshStateByEntity.load(entityId);
  }

  /** Asks Lean to read the bank into its data store again (v2); undefined from v1, which has no such call. */
  async requestDataRefresh(entity: EntityRow): Promise<RefreshRequestResult | undefined> {
    const answer = await requestRefreshAtLean(this.context, entity.id);
    if (answer?.kind === 'started') this.changed.add(entity.customer_id);
    if (answer?.kind === 'consentExpired') {
      await recordConsentRefusal(this.context.db, this.context, { entity_id: entity.id, customer_id: entity.customer_id }, this.context.now());
      this.changed.add(entity.customer_id);
      this.forgetEntity(entity.id);
    }
    this.loaders.refreshStateByEntity.clear(entity.id);
    return answer;
  }

  /** A fresh customer-scoped token for the Link SDK (v2); undefined from v1, where the app token is enough. */
  customerLinkToken(customerId: string): Promise<CustomerLinkToken | undefined> {
    return this.deps.lean.customerLinkToken(customerId);
  }

  /** Deletes the entity at Lean, marks it disconnected and deletes what was read from the bank. */
  async disconnect(entity: EntityRow): Promise<EntityRow | undefined> {
    await disconnectAtLean(this.context, entity);
    this.changed.add(entity.customer_id);
    this.forgetEntity(entity.id);
    this.loaders.entitiesByCustomer.clear(entity.customer_id);
    return this.loaders.entityById.load(entity.id);
  }

  private forgetEntity(entityId: string): void {
    const { loaders } = this;
    loaders.entityById.clear(entityId);
    loaders.accountsByEntity.clear(entityId);
    loaders.identityByEntity.clear(entityId);
    loaders.consentsByEntity.clear(entityId);
    loaders.refreshStateByEntity.clear(entityId);
  }

  // --- accounts, balances, identity -------------------------------------------------------------

  async accountsOf(entityId: string): Promise<Outcome<AccountRow[]>> {
    return (await this.loaders.accountsByEntity.load(entityId)) ?? fresh([]);
  }

  async account(id: string): Promise<AccountRow | undefined> {
    return this.readOwned(await this.loaders.accountById.load(id));
  }

  async balanceOf(accountId: string): Promise<Outcome<BalanceRow> | undefined> {
    return this.loaders.balanceByAccount.load(accountId);
  }

  async identityOf(entityId: string): Promise<Outcome<IdentityRow> | undefined> {
    return this.loaders.identityByEntity.load(entityId);
  }

  // SAMA's per-account datasets: each read through the store within its own freshness window.
  beneficiariesOf(accountId: string): Promise<Outcome<BeneficiariesRead> | undefined> {
    return this.loaders.beneficiariesByAccount.load(accountId);
  }

  directDebitsOf(accountId: string): Promise<Outcome<DirectDebitsRead> | undefined> {
    return this.loaders.directDebitsByAccount.load(accountId);
  }

  scheduledPaymentsOf(accountId: string): Promise<Outcome<ScheduledPaymentsRead> | undefined> {
    return this.loaders.scheduledPaymentsByAccount.load(accountId);
  }

  standingOrdersOf(accountId: string): Promise<Outcome<StandingOrdersRead> | undefined> {
    return this.loaders.standingOrdersByAccount.load(accountId);
  }

  partiesOf(accountId: string): Promise<Outcome<PartiesRead> | undefined> {
    return this.loaders.partiesByAccount.load(accountId);
  }

  /** The account's balance and every range of its transactions are fetched again at their next read. */
  async refreshAccount(account: AccountRow): Promise<AccountRow | undefined> {
    await expireAccountData(this.deps.db, account.id);
    this.changed.add(account.customer_id);
    this.loaders.balanceByAccount.clear(account.id);
    this.loaders.transactionsCoverage.clearAll();
    return this.loaders.accountById.clear(account.id).load(account.id);
  }

  // --- transactions -----------------------------------------------------------------------------

  /**
   * One page of the account's transactions in [startDate, endDate]: the days not yet fetched (or
   * expired) are fetched from Lean first, each missing part once; the page is read from Postgres.
   */
  async transactionsOf(query: TransactionsQuery, page: TransactionPage): Promise<Outcome<TransactionRow[]> | undefined> {
    const coverage = await this.loaders.transactionsCoverage.load(query);
    if (coverage === undefined) return undefined;
    if (coverage.kind !== 'ok') return coverage;
    const rows = await this.transactionPages.load({ filter: query, page });
    return mapOutcome(coverage, () => rows);
  }

  /** The transaction's other side, opened (the caller checks that the principal may read personal data). */
  counterpartyOf(row: TransactionRow): Counterparty | PersonalDataUnreadable | null {
    return openCounterparty(this.deps.vault, row);
  }

  async transaction(accountId: string, transactionId: string): Promise<TransactionRow | undefined> {
    return this.readOwned(await this.loaders.transactionByKey.load(transactionKey(accountId, transactionId)));
  }
}
