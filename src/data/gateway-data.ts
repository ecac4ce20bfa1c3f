import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import type { CacheConfig } from '../config.js';
import type { DataKind, InboxStatus, Tables } from '../db/tables.js';
import { recentWebhooks, replayFailedWebhooks, type InboxRow } from '../store/webhook-inbox-store.js';
import type { LeanClient, LeanResult } from '../lean/client.js';
import { LeanApiError, LeanFailedError } from '../model/upstream-errors.js';
import type { Logger } from '../log.js';
import type { PersonalDataVault } from '../crypto/personal-data.js';
import {
  accountsByIds,
  accountsOfEntities,
  balancesOfAccounts,
  expireAccountData,
  identitiesOfEntities,
  saveAccounts,
  saveBalance,
  saveIdentity,
  type AccountBalance,
  type AccountRow,
  type EntityAccounts,
  type EntityIdentity,
  type IdentityRow,
} from '../store/accounts-store.js';
import { adoptCustomer, customersByAppUserIds, customersByIds, type CustomerRow } from '../store/customers-store.js';
import {
  banksByIdentifiers,
  consentsOfEntities,
  disconnectEntity,
  entitiesByIds,
  entitiesOfCustomers,
  expireEntityData,
  saveCustomerEntities,
  saveEntity,
  setEntityStatus,
  type BankRow,
  type ConsentRow,
  type CustomerEntities,
  type EntityRow,
} from '../store/entities-store.js';
import type { EntityGate } from '../store/gates.js';
import { openPendingRequest, pendingRequest, rememberPendingRequest, type PendingRequest, type PendingRow } from '../store/pending-results-store.js';
import {
  rangesOfAccounts,
  saveLeanTransactions,
  transactionsByKeys,
  transactionsPage,
  transactionsPages,
  type AccountRanges,
  type TransactionPage,
  type TransactionFilter,
  type TransactionRow,
} from '../store/transactions-store.js';
import { dayOf, uncoveredParts, type DayRange } from './day-ranges.js';
import { publishEvent } from '../events/bus.js';
import type { InFlight } from './in-flight.js';
import { fresh, mapOutcome, type Outcome } from './outcome.js';
import { readThroughLoader, type CacheReadObserver } from './read-through.js';
import { batchLoader } from './store-loader.js';
import { tracedBatch } from '../observability/tracing.js';

/** What the data layer needs, shared by every request of the process. */
export interface DataDependencies {
  readonly db: Kysely<Tables>;
  /** Seals and opens identities and IBANs at rest. */
  readonly vault: PersonalDataVault;
  readonly lean: LeanClient;
  readonly cache: CacheConfig;
  readonly inFlight: InFlight;
  /** Told of each cache hit, miss and stale serve (metrics). */
  readonly cacheReads?: CacheReadObserver | undefined;
  readonly log: Logger;
  readonly now?: () => Date;
}

export interface Balance {
  readonly accountId: string;
  readonly amount: string;
  readonly currency: string;
  readonly fetchedAt: Date;
}

/** An account's transactions asked for: days (`YYYY-MM-DD`, inclusive, UTC) and filters. */
export type TransactionsQuery = TransactionFilter;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Per subscription event, the subscriber whose loaders the event's other subscribers share. */
const firstReaderOf = new WeakMap<object, GatewayData>();
/** The key under which idle subscription contexts share their loaders. */
const IDLE = {};

/**
 * The data one GraphQL request may see, read through Postgres: per-request DataLoaders over the
 * store, Lean asked only for what is missing or stale, and every answer limited to what the
 * principal may see (another customer's data reads as not found).
 */
export class GatewayData {
  private readonly db: Kysely<Tables>;
  private readonly lean: LeanClient;
  private readonly cache: CacheConfig;
  private readonly now: () => Date;
  private customerById: DataLoader<string, CustomerRow | undefined>;
  private customerByAppUserId: DataLoader<string, CustomerRow | undefined>;
  private entityById: DataLoader<string, EntityRow | undefined>;
  private accountById: DataLoader<string, AccountRow | undefined>;
  private consentsByEntity: DataLoader<string, ConsentRow[]>;
  private bankByIdentifier: DataLoader<string, BankRow | undefined>;
  private transactionByKey: DataLoader<string, (TransactionRow & { app_user_id: string }) | undefined>;
  private entitiesByCustomer: DataLoader<string, Outcome<EntityRow[]> | undefined>;
  private accountsByEntity: DataLoader<string, Outcome<AccountRow[]> | undefined>;
  private balanceByAccount: DataLoader<string, Outcome<Balance> | undefined>;
  private identityByEntity: DataLoader<string, Outcome<IdentityRow> | undefined>;
  private transactionsCoverage: DataLoader<TransactionsQuery, Outcome<null> | undefined>;
  /** Pages asked for in the same tick (one per account of an overview) are read in one statement; never cached. */
  private readonly transactionPages: DataLoader<{ readonly filter: TransactionFilter; readonly page: TransactionPage }, TransactionRow[]>;
  private ownCustomer: Promise<CustomerRow | undefined> | undefined;

  constructor(
    private readonly deps: DataDependencies,
    readonly principal: Principal,
  ) {
    this.db = deps.db;
    this.lean = deps.lean;
    this.cache = deps.cache;
    this.now = deps.now ?? (() => new Date());
    const { db } = this;
    const { vault } = deps;

    this.customerById = batchLoader((ids) => customersByIds(db, ids), (row) => row.id);
    this.customerByAppUserId = batchLoader((ids) => customersByAppUserIds(db, ids), (row) => row.app_user_id);
    this.entityById = batchLoader((ids) => entitiesByIds(db, ids), (row) => row.id);
    this.accountById = batchLoader((ids) => accountsByIds(db, vault, ids), (row) => row.id);
    this.bankByIdentifier = batchLoader((ids) => banksByIdentifiers(db, ids), (row) => row.identifier);
    this.transactionByKey = batchLoader(
      (keys) => transactionsByKeys(db, keys.map((key) => parseTransactionKey(key))),
      (row) => transactionKey(row.account_id, row.transaction_id),
    );
    this.consentsByEntity = batchGroupLoader((ids) => consentsOfEntities(db, vault, ids), (row) => row.entity_id);
    this.transactionPages = new DataLoader(tracedBatch('store', (requests) => transactionsPages(db, requests)), { cache: false });

    this.entitiesByCustomer = readThroughLoader<string, CustomerEntities, EntityRow[]>(
      {
        kind: 'entities',
        id: (customerId) => customerId,
        read: (ids) => entitiesOfCustomers(db, ids),
        settle: (stored, _key, now) => {
          if (stored === undefined) return undefined;
          return isFresh(stored.entitiesFetchedAt, this.cache.entitiesMs, now) ? fresh(stored.entities) : 'fetch';
        },
        fetch: async (customerId) => {
          const fetchedAt = this.now();
          const entities = await this.lean.listEntities(customerId);
          await saveCustomerEntities(db, vault, customerId, entities, fetchedAt);
          const stored = (await entitiesOfCustomers(db, [customerId])).get(customerId);
          return fresh(stored?.entities ?? []);
        },
        staleCopy: (stored) => (stored.entitiesFetchedAt === null ? undefined : stored.entities),
      },
      deps.inFlight,
      this.now,
      deps.cacheReads,
    );

    this.accountsByEntity = readThroughLoader<string, EntityAccounts, AccountRow[]>(
      {
        kind: 'accounts',
        id: (entityId) => entityId,
        read: (ids) => accountsOfEntities(db, vault, ids),
        settle: (stored, _key, now) => {
          if (stored === undefined) return undefined;
          if (stored.status === 'DISCONNECTED') return fresh([]);
          const refused = refusal(stored, 'accounts');
          if (refused !== undefined) return refused;
          return isFresh(stored.accountsFetchedAt, this.cache.accountsMs, now) ? fresh(stored.accounts) : 'fetch';
        },
        fetch: async (entityId, stored) => {
          const fetchedAt = this.now();
          return this.interpret(() => this.lean.accounts(entityId), stored, { kind: 'accounts' }, async (data) => {
            if (!(await saveAccounts(db, vault, entityId, data.accounts, fetchedAt))) return GONE;
            return (await accountsOfEntities(db, vault, [entityId])).get(entityId)?.accounts ?? [];
          });
        },
        staleCopy: (stored) => (stored.accountsFetchedAt === null && stored.accounts.length === 0 ? undefined : stored.accounts),
      },
      deps.inFlight,
      this.now,
      deps.cacheReads,
    );

    this.balanceByAccount = readThroughLoader<string, AccountBalance, Balance>(
      {
        kind: 'balance',
        id: (accountId) => accountId,
        read: (ids) => balancesOfAccounts(db, ids),
        settle: (stored, _key, now) => {
          if (stored === undefined) return undefined;
          const refused = refusal(stored, 'balance');
          if (refused !== undefined) return refused;
          const { balance } = stored;
          return balance !== null && isFresh(balance.fetchedAt, this.cache.balanceMs, now) ? fresh({ accountId: stored.account_id, ...balance }) : 'fetch';
        },
        fetch: async (accountId, stored) => {
          const fetchedAt = this.now();
          return this.interpret(() => this.lean.balance(stored.entity_id, accountId), stored, { kind: 'balance', accountId }, async (data) => {
            const balance = { accountId, amount: data.balance, currency: data.currency_code };
            if (!(await saveBalance(db, balance, fetchedAt))) return GONE;
            return { ...balance, fetchedAt };
          });
        },
        staleCopy: (stored) => (stored.balance === null ? undefined : { accountId: stored.account_id, ...stored.balance }),
      },
      deps.inFlight,
      this.now,
      deps.cacheReads,
    );

    this.identityByEntity = readThroughLoader<string, EntityIdentity, IdentityRow>(
      {
        kind: 'identity',
        id: (entityId) => entityId,
        read: (ids) => identitiesOfEntities(db, vault, ids),
        settle: (stored, _key, now) => {
          if (stored === undefined) return undefined;
          const refused = refusal(stored, 'identity');
          if (refused !== undefined) return refused;
          return stored.identity !== null && isFresh(stored.identity.fetched_at, this.cache.identityMs, now) ? fresh(stored.identity) : 'fetch';
        },
        fetch: async (entityId, stored) => {
          const fetchedAt = this.now();
          return this.interpret(() => this.lean.identity(entityId), stored, { kind: 'identity' }, async (data) => {
            if (!(await saveIdentity(db, vault, entityId, data, fetchedAt))) return GONE;
            const saved = (await identitiesOfEntities(db, vault, [entityId])).get(entityId)?.identity;
            if (saved === null || saved === undefined) throw new Error('identity vanished after it was saved');
            return saved;
          });
        },
        staleCopy: (stored) => stored.identity ?? undefined,
      },
      deps.inFlight,
      this.now,
      deps.cacheReads,
    );

    this.transactionsCoverage = readThroughLoader<TransactionsQuery, AccountRanges, null>(
      {
        kind: 'transactions',
        id: (query) => `${query.accountId}|${query.startDate}|${query.endDate}`,
        read: async (queries) => {
          const byAccount = await rangesOfAccounts(db, [...new Set(queries.map((q) => q.accountId))]);
          return new Map(
            queries.flatMap((query) => {
              const stored = byAccount.get(query.accountId);
              return stored === undefined ? [] : [[`${query.accountId}|${query.startDate}|${query.endDate}`, stored] as const];
            }),
          );
        },
        settle: (stored, query, now) => {
          if (stored === undefined) return undefined;
          const refused = refusal(stored, 'transactions');
          if (refused !== undefined) return refused;
          return this.missingDays(stored, query, now).length === 0 ? fresh(null) : 'fetch';
        },
        fetch: async (query, stored) => {
          const gaps = this.missingDays(stored, query, this.now());
          const outcomes = await Promise.all(
            gaps.map((gap) => deps.inFlight.run(`transactions-gap:${query.accountId}|${gap.start}|${gap.end}`, () => this.fetchTransactions(stored, gap))),
          );
          return outcomes.find((outcome) => outcome.kind !== 'ok') ?? fresh(null);
        },
        // Every day asked for was fetched before, perhaps long ago: serve what the store has.
        staleCopy: (stored, query) => (this.missingDays(stored, query, this.now(), true).length === 0 ? null : undefined),
      },
      deps.inFlight,
      this.now,
      deps.cacheReads,
    );
  }

  /** Forgets everything loaded so far: a subscription reads each event's data afresh. */
  forgetAll(): void {
    for (const loader of [
      this.customerById,
      this.customerByAppUserId,
      this.entityById,
      this.accountById,
      this.consentsByEntity,
      this.bankByIdentifier,
      this.transactionByKey,
      this.entitiesByCustomer,
      this.accountsByEntity,
      this.balanceByAccount,
      this.identityByEntity,
    ] as { clearAll(): unknown }[]) {
      loader.clearAll();
    }
    this.transactionsCoverage.clearAll();
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
    if (first === this) return;
    this.customerById = first.customerById;
    this.customerByAppUserId = first.customerByAppUserId;
    this.entityById = first.entityById;
    this.accountById = first.accountById;
    this.consentsByEntity = first.consentsByEntity;
    this.bankByIdentifier = first.bankByIdentifier;
    this.transactionByKey = first.transactionByKey;
    this.entitiesByCustomer = first.entitiesByCustomer;
    this.accountsByEntity = first.accountsByEntity;
    this.balanceByAccount = first.balanceByAccount;
    this.identityByEntity = first.identityByEntity;
    this.transactionsCoverage = first.transactionsCoverage;
  }

  /**
   * For a context that lives on between events (a subscription's): gives up its own loaders for
   * ones shared by every such context, which hold at most one event's rows (`forgetAllOnce` clears
   * them for each event), so a thousand idle subscribers do not keep a thousand sets of loaders.
   */
  releaseLoaders(): void {
    this.forgetAllOnce(IDLE);
  }

  /** What a PENDING or RECONNECT_REQUIRED answer was for, if the principal may see it. */
  async pendingRequest(resultsId: string): Promise<PendingRow | undefined> {
    const row = await pendingRequest(this.db, resultsId);
    if (row === undefined) return undefined;
    const customer = await this.customer(row.customer_id);
    return customer === undefined ? undefined : row;
  }

  /** The newest transactions of an account in [startDate, endDate], from the store only. */
  storedTransactions(accountId: string, startDate: string, endDate: string, limit: number): Promise<TransactionRow[]> {
    return transactionsPage(
      this.db,
      { accountId, startDate, endDate, categories: undefined, direction: undefined },
      { after: undefined, before: undefined, limit, inverted: false },
    );
  }

  /** The newest received webhooks (services only; the caller checks). */
  webhookDeliveries(status: InboxStatus | undefined, limit: number): Promise<Omit<InboxRow, 'body'>[]> {
    return recentWebhooks(this.db, status, limit);
  }

  replayFailedWebhooks(): Promise<number> {
    return replayFailedWebhooks(this.db);
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
    return this.ownCustomer;
  }

  // --- customers --------------------------------------------------------------------------------

  /** A customer by Lean's customer id, if the principal may see it; one Lean lookup when the store has none. */
  async customer(id: string): Promise<CustomerRow | undefined> {
    if (this.principal.kind === 'endUser') {
      const own = await this.viewerCustomer();
      return own?.id === id ? own : undefined;
    }
    if (!UUID.test(id)) return undefined;
    const stored = await this.customerById.load(id);
    if (stored !== undefined) return stored;
    const known = await this.lean.getCustomer(id).catch(notFoundAsUndefined);
    return known === undefined ? undefined : adoptCustomer(this.db, { id: known.customer_id, appUserId: known.app_user_id });
  }

  async customerByAppUser(appUserId: string): Promise<CustomerRow | undefined> {
    if (!this.visible(appUserId)) return undefined;
    return this.principal.kind === 'endUser' ? this.viewerCustomer() : this.lookUpCustomerByAppUserId(appUserId);
  }

  private async lookUpCustomerByAppUserId(appUserId: string): Promise<CustomerRow | undefined> {
    const stored = await this.customerByAppUserId.load(appUserId);
    if (stored !== undefined) return stored;
    const known = await this.lean.getCustomerByAppUserId(appUserId).catch(notFoundAsUndefined);
    return known === undefined ? undefined : adoptCustomer(this.db, { id: known.customer_id, appUserId: known.app_user_id });
  }

  /**
   * Creates the customer at Lean, or adopts the one Lean already has for this `app_user_id`; the
   * same call twice, or at once from two places, gives the same customer.
   */
  async createCustomer(appUserId: string): Promise<CustomerRow> {
    const stored = await this.customerByAppUserId.load(appUserId);
    if (stored !== undefined) return stored;
    let created;
    try {
      created = await this.lean.createCustomer(appUserId);
    } catch (error) {
      if (!(error instanceof LeanApiError && error.leanStatus === 'CUSTOMER_ALREADY_EXISTS')) throw error;
      created = await this.lean.getCustomerByAppUserId(appUserId);
    }
    const row = await adoptCustomer(this.db, { id: created.customer_id, appUserId: created.app_user_id });
    this.customerByAppUserId.clear(appUserId).prime(appUserId, row);
    return row;
  }

  // --- entities ---------------------------------------------------------------------------------

  async entitiesOf(customerId: string): Promise<Outcome<EntityRow[]>> {
    return (await this.entitiesByCustomer.load(customerId)) ?? fresh([]);
  }

  async entity(id: string): Promise<EntityRow | undefined> {
    if (!UUID.test(id)) return undefined;
    const row = await this.entityById.load(id);
    return row !== undefined && this.visible(row.app_user_id) ? row : undefined;
  }

  consentsOf(entityId: string): Promise<ConsentRow[]> {
    return this.consentsByEntity.load(entityId);
  }

  bank(identifier: string): Promise<BankRow | undefined> {
    return this.bankByIdentifier.load(identifier);
  }

  /** Reads the customer's entity list from Lean now. */
  async refreshEntities(customerId: string): Promise<void> {
    const fetchedAt = this.now();
    const entities = await this.lean.listEntities(customerId);
    await saveCustomerEntities(this.db, this.deps.vault, customerId, entities, fetchedAt);
    this.entitiesByCustomer.clear(customerId);
  }

  /** Reads the entity from Lean now; its accounts and identity are fetched again at their next read. */
  async refreshEntity(entity: EntityRow): Promise<EntityRow | undefined> {
    const fetchedAt = this.now();
    try {
      await saveEntity(this.db, this.deps.vault, await this.lean.getEntity(entity.customer_id, entity.id), fetchedAt);
    } catch (error) {
      if (!(error instanceof LeanApiError && error.httpStatus === 404)) throw error;
      await this.db.transaction().execute((trx) => disconnectEntity(trx, entity.id));
    }
    await expireEntityData(this.db, entity.id);
    this.forgetEntity(entity.id);
    return this.entityById.load(entity.id);
  }

  /** Deletes the entity at Lean, marks it disconnected and deletes what was read from the bank. */
  async disconnect(entity: EntityRow): Promise<EntityRow | undefined> {
    if (entity.status !== 'DISCONNECTED') {
      try {
        await this.lean.deleteEntity(entity.customer_id, entity.id);
      } catch (error) {
        // Already gone at Lean: the outcome the caller wants.
        if (!(error instanceof LeanApiError && error.httpStatus === 404)) throw error;
      }
      await this.db.transaction().execute((trx) => disconnectEntity(trx, entity.id));
    }
    this.forgetEntity(entity.id);
    this.entitiesByCustomer.clear(entity.customer_id);
    return this.entityById.load(entity.id);
  }

  private forgetEntity(entityId: string): void {
    this.entityById.clear(entityId);
    this.accountsByEntity.clear(entityId);
    this.identityByEntity.clear(entityId);
    this.consentsByEntity.clear(entityId);
  }

  // --- accounts, balances, identity -------------------------------------------------------------

  async accountsOf(entityId: string): Promise<Outcome<AccountRow[]>> {
    return (await this.accountsByEntity.load(entityId)) ?? fresh([]);
  }

  async account(id: string): Promise<AccountRow | undefined> {
    const row = await this.accountById.load(id);
    return row !== undefined && this.visible(row.app_user_id) ? row : undefined;
  }

  async balanceOf(accountId: string): Promise<Outcome<Balance> | undefined> {
    return this.balanceByAccount.load(accountId);
  }

  async identityOf(entityId: string): Promise<Outcome<IdentityRow> | undefined> {
    return this.identityByEntity.load(entityId);
  }

  /** The account's balance and every range of its transactions are fetched again at their next read. */
  async refreshAccount(account: AccountRow): Promise<AccountRow | undefined> {
    await expireAccountData(this.db, account.id);
    this.balanceByAccount.clear(account.id);
    this.transactionsCoverage.clearAll();
    return this.accountById.clear(account.id).load(account.id);
  }

  // --- transactions -----------------------------------------------------------------------------

  /**
   * One page of the account's transactions in [startDate, endDate]: the days not yet fetched (or
   * expired) are fetched from Lean first, each missing part once; the page is read from Postgres.
   */
  async transactionsOf(query: TransactionsQuery, page: TransactionPage): Promise<Outcome<TransactionRow[]> | undefined> {
    const coverage = await this.transactionsCoverage.load(query);
    if (coverage === undefined) return undefined;
    if (coverage.kind !== 'ok') return coverage;
    const rows = await this.transactionPages.load({ filter: query, page });
    return mapOutcome(coverage, () => rows);
  }

  async transaction(accountId: string, transactionId: string): Promise<TransactionRow | undefined> {
    const row = await this.transactionByKey.load(transactionKey(accountId, transactionId));
    return row !== undefined && this.visible(row.app_user_id) ? row : undefined;
  }

  /**
   * Days of the query not covered by a fetch that still holds (or by any fetch, with `expiredToo`);
   * days after today are not asked for.
   */
  private missingDays(stored: AccountRanges, query: TransactionsQuery, now: Date, expiredToo = false): DayRange[] {
    const today = latestBankDay(now);
    const end = query.endDate < today ? query.endDate : today;
    if (query.startDate > end) return [];
    const holding = stored.ranges
      .filter((range) => expiredToo || range.expires_at === null || range.expires_at.getTime() > now.getTime())
      .map((range) => ({ start: range.start_date, end: range.end_date }));
    return uncoveredParts({ start: query.startDate, end }, holding);
  }

  private async fetchTransactions(stored: AccountRanges, gap: DayRange): Promise<Outcome<null>> {
    const fetchedAt = this.now();
    const call = () => this.lean.transactions(stored.entity_id, stored.account_id, { startDate: gap.start, endDate: gap.end, insights: true });
    return this.interpret(call, stored, { kind: 'transactions', accountId: stored.account_id, startDate: gap.start, endDate: gap.end }, async (data) => {
      const saved = await saveLeanTransactions(
        this.db,
        { accountId: stored.account_id, startDate: gap.start, endDate: gap.end, fetchedAt, recentWindowMs: this.cache.recentTransactionsMs },
        data.transactions,
      );
      return saved ? null : GONE;
    });
  }

  // --- Lean's answers ---------------------------------------------------------------------------

  /**
   * Turns a data answer into an outcome: OK is stored (and a reconnected entity marked active);
   * PENDING and RECONNECT_REQUIRED are remembered by results_id for `results.ready`; RECONNECT_REQUIRED
   * also marks the entity; FAILED is an upstream fault.
   */
  private async interpret<D, T>(
    call: () => Promise<LeanResult<D>>,
    gate: EntityGate,
    request: Omit<PendingRequest, 'resultsId' | 'status' | 'customerId' | 'entityId' | 'reconnectId'> & { kind: DataKind },
    store: (data: D) => Promise<T | typeof GONE>,
  ): Promise<Outcome<T>> {
    // Asked already and Lean is still working on it: the same answer, without asking again.
    const since = new Date(this.now().getTime() - PENDING_REUSE_MS);
    const pendingId = await openPendingRequest(this.db, { ...request, entityId: gate.entity_id }, since);
    if (pendingId !== undefined) return { kind: 'pending', resultsId: pendingId };
    let answer: LeanResult<D>;
    try {
      answer = await call();
    } catch (error) {
      const refused = await this.leanRefusal(error, gate);
      if (refused === undefined) throw error;
      return refused;
    }
    switch (answer.kind) {
      case 'ok': {
        const value = await store(answer.data);
        if (value === GONE) return DISCONNECTED;
        if (gate.status === 'RECONNECT_REQUIRED') await setEntityStatus(this.db, gate.entity_id, 'ACTIVE');
        return fresh(value);
      }
      case 'pending':
        await rememberPendingRequest(this.db, { ...request, resultsId: answer.resultsId, status: 'PENDING', customerId: gate.customer_id, entityId: gate.entity_id });
        return { kind: 'pending', resultsId: answer.resultsId };
      case 'reconnectRequired':
        await rememberPendingRequest(this.db, {
          ...request,
          resultsId: answer.resultsId,
          status: 'RECONNECT_REQUIRED',
          customerId: gate.customer_id,
          entityId: gate.entity_id,
          reconnectId: answer.reconnectId,
        });
        await setEntityStatus(this.db, gate.entity_id, 'RECONNECT_REQUIRED', answer.reconnectId);
        await publishEvent(this.db, {
          topic: 'reconnectRequired',
          customerId: gate.customer_id,
          entityId: gate.entity_id,
          reconnectId: answer.reconnectId,
          resultsId: answer.resultsId,
        });
        this.entityById.clear(gate.entity_id);
        return { kind: 'reconnectRequired', entityId: gate.entity_id, reconnectId: answer.reconnectId, resultsId: answer.resultsId };
      case 'consentExpired':
        return { kind: 'consentExpired', entityId: gate.entity_id, message: answer.message };
      case 'failed':
        throw new LeanFailedError(answer.status, answer.correlationId);
    }
  }

  /** Lean's refusals that are facts about the entity, not faults: typed outcomes (an unknown entity is disconnected here too). */
  private async leanRefusal(error: unknown, gate: EntityGate): Promise<Outcome<never> | undefined> {
    if (!(error instanceof LeanApiError)) return undefined;
    switch (error.leanStatus) {
      case 'PERMISSION_NOT_GRANTED':
        return { kind: 'refused', code: 'PERMISSION_NOT_GRANTED', message: 'The entity was not linked with the permission this data needs.' };
      case 'UNSUPPORTED_ACCOUNT_TYPE':
        return { kind: 'refused', code: 'UNSUPPORTED_ACCOUNT_TYPE', message: 'The bank does not offer this data for this account type.' };
      case 'UNKNOWN_ENTITY':
        await this.db.transaction().execute((trx) => disconnectEntity(trx, gate.entity_id));
        this.forgetEntity(gate.entity_id);
        return DISCONNECTED;
      default:
        return undefined;
    }
  }
}

/** A store write that found the entity disconnected meanwhile: nothing was written. */
const GONE = Symbol('entity disconnected');
const DISCONNECTED: Outcome<never> = { kind: 'refused', code: 'ENTITY_DISCONNECTED', message: 'The entity is disconnected; link the bank again.' };
/** How long a PENDING answer is reused for the same request before Lean is asked again (a lost results.ready). */
const PENDING_REUSE_MS = 10 * 60_000;
/** Lean's banks are at UTC+03:00 and UTC+04:00: their day may already be tomorrow in UTC. */
const BANK_DAY_LEAD_MS = 4 * 60 * 60_000;

/** The latest calendar day any of Lean's banks is in now. */
function latestBankDay(now: Date): string {
  return dayOf(new Date(now.getTime() + BANK_DAY_LEAD_MS));
}

/** Before asking Lean: a disconnected entity, a permission not granted, identity of a business account. */
function refusal(gate: EntityGate, permission: DataKind): Outcome<never> | undefined {
  if (gate.status === 'DISCONNECTED') return { kind: 'refused', code: 'ENTITY_DISCONNECTED', message: 'The entity is disconnected; link the bank again.' };
  if (gate.permissions[permission] !== true) {
    return { kind: 'refused', code: 'PERMISSION_NOT_GRANTED', message: `The entity was not linked with the ${permission} permission.` };
  }
  if (permission === 'identity' && gate.account_type === 'BUSINESS') {
    return { kind: 'refused', code: 'UNSUPPORTED_ACCOUNT_TYPE', message: 'Identity is not available for BUSINESS accounts.' };
  }
  return undefined;
}

function isFresh(fetchedAt: Date | null, windowMs: number, now: Date): boolean {
  return fetchedAt !== null && now.getTime() - fetchedAt.getTime() < windowMs;
}

function notFoundAsUndefined(error: unknown): undefined {
  if (error instanceof LeanApiError && error.httpStatus === 404) return undefined;
  throw error;
}

export function transactionKey(accountId: string, transactionId: string): string {
  return JSON.stringify([accountId, transactionId]);
}

export function parseTransactionKey(key: string): { accountId: string; transactionId: string } {
  const parsed: unknown = JSON.parse(key);
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string') {
    throw new Error('not a transaction key');
  }
  return { accountId: parsed[0], transactionId: parsed[1] };
}

function batchGroupLoader<R>(read: (keys: readonly string[]) => Promise<R[]>, keyOf: (row: R) => string): DataLoader<string, R[]> {
  return batchLoader(
    async (keys) => {
      const rows = await read(keys);
      const groups = new Map<string, R[]>(keys.map((key) => [key, []]));
      for (const row of rows) groups.get(keyOf(row))?.push(row);
      return [...groups.entries()];
    },
    ([key]) => key,
    ([, rows]) => rows,
    () => [],
  );
}
