import { z } from 'zod';
import type { Logger } from '../../log.js';
import type { Account } from '../../model/account.js';
import type { Balance } from '../../model/balance.js';
import type { Customer } from '../../model/customer.js';
import type { Entity } from '../../model/entity.js';
import type { Identity } from '../../model/identity.js';
import type { DataKind, DataOf, LeanResult, RefreshRequestResult } from '../../model/results.js';
import type { Transaction } from '../../model/transaction.js';
import { LeanApiError, LeanProtocolError } from '../../model/upstream-errors.js';
import type { CircuitSettings } from '../circuits.js';
import type { CreatedEntity, CustomerLinkToken, LeanApi, RefreshListed, TransactionsQuery } from '../api.js';
import { OAuthTokenSource, type CustomerAccessToken } from '../oauth-token.js';
import { LeanCallCounter, LeanTransport, type LeanCall, type LeanCallObserver } from '../transport.js';
import { createdEntitiesPage, customerAnswer, entitiesAnswer, entityAnswer } from '../customers.js';
import { banksAnswer } from '../banks.js';
import type { CatalogueBank } from '../../model/bank.js';
import type { AccountType } from '../../model/consent-rules.js';
import { toAccount, toBalance, toDate, toIdentity, toTransactions, UnreadableAnswer } from './to-model.js';
import * as wire from './wire.js';
import { dataOutcomeOf } from '../data-outcome.js';
import type { DatasetAnswer } from '../../model/dataset-answer.js';
import type { Beneficiary } from '../../model/beneficiary.js';
import type { DirectDebit } from '../../model/direct-debit.js';
import type { Party } from '../../model/party.js';
import type { ScheduledPayment } from '../../model/scheduled-payment.js';
import type { StandingOrder } from '../../model/standing-order.js';
import { toBeneficiary, toDirectDebit, toParty, toScheduledPayment, toStandingOrder } from './ksa-datasets.js';

/** Customer-scoped tokens for the Link SDK; `OAuthTokenSource` is one. */
export interface CustomerTokenSource {
  customerToken(customerId: string): Promise<CustomerAccessToken>;
}

export interface LeanV2ClientOptions {
  /** A transport with bearer auth (`auth: { kind: 'bearer', tokens }`), sharing its counter with `tokens`. */
  readonly transport: LeanTransport;
  readonly tokens: CustomerTokenSource;
  /** Items asked for per page of a list (`size`); Lean states no maximum. */
  readonly pageSize?: number | undefined;
  /** A list longer than this many pages is answered as a protocol error, not read forever. */
  readonly maxPages?: number | undefined;
  /** Closed with the client (the token source's connections). */
  readonly onClose?: (() => Promise<void>) | undefined;
}

export const DEFAULT_PAGE_SIZE = 100;
export const DEFAULT_MAX_PAGES = 1_000;

const ENDPOINTS = {
  accounts: 'GET /data/v2/accounts',
  identity: 'GET /data/v2/identity',
  balances: 'GET /data/v2/accounts/{account_id}/balances',
  transactions: 'GET /data/v2/accounts/{account_id}/transactions',
  results: 'GET /data/v2/results/{results_id}',
  refreshes: 'POST /data/v2/refreshes',
  beneficiaries: 'GET /data/v2/accounts/{account_id}/beneficiaries',
  directDebits: 'GET /data/v2/accounts/{account_id}/direct-debits',
  scheduledPayments: 'GET /data/v2/accounts/{account_id}/scheduled-payments',
  standingOrders: 'GET /data/v2/accounts/{account_id}/standing-orders',
  accountIdentities: 'GET /data/v2/accounts/{account_id}/identities',
  refreshList: 'GET /data/v2/refreshes',
  refresh: 'GET /data/v2/refreshes/{refresh_id}',
  createdEntities: 'GET /customers/v1/entities',
} as const;

/** Refreshes asked for per entity: the newest few are enough to find the latest finished one. */
const REFRESHES_LISTED = 10;

/** How each kind of data is listed in `data` and read into the model. */
const KINDS: { readonly [K in DataKind]: { readonly listKey: string; read(items: readonly unknown[]): DataOf<K> } } = {
  accounts: { listKey: 'accounts', read: (items) => z.array(wire.account).parse(items).map(toAccount) },
  identity: { listKey: 'identities', read: (items) => toIdentity(z.array(wire.identity).parse(items)[0]) },
  balance: { listKey: 'balances', read: (items) => toBalance(z.array(wire.balance).parse(items)) },
  transactions: { listKey: 'transactions', read: (items) => toTransactions(z.array(wire.transaction).parse(items)) },
  beneficiaries: { listKey: 'beneficiaries', read: (items) => ({ offered: true, items: z.array(wire.beneficiary).parse(items).map(toBeneficiary) }) },
  direct_debits: { listKey: 'direct_debits', read: (items) => ({ offered: true, items: z.array(wire.directDebit).parse(items).map(toDirectDebit) }) },
  scheduled_payments: { listKey: 'scheduled_payments', read: (items) => ({ offered: true, items: z.array(wire.scheduledPayment).parse(items).map(toScheduledPayment) }) },
  standing_orders: { listKey: 'standing_orders', read: (items) => ({ offered: true, items: z.array(wire.standingOrder).parse(items).map(toStandingOrder) }) },
  identities: { listKey: 'identities', read: (items) => ({ offered: true, items: z.array(wire.party).parse(items).map(toParty) }) },
};

/** Lean's answer for a dataset the bank or region does not offer (the UAE's answer to SAMA's datasets). */
const NOT_OFFERED_STATUS = 'UNSUPPORTED';

const dataOutcome = dataOutcomeOf(wire.dataEnvelope);

const segment = encodeURIComponent;

/** The non-`ok` answers a page can end a read with. */
type NotOk = Exclude<LeanResult<never>, { kind: 'ok' }>;

/**
 * Lean's v2 API (OAuth2 bearer, `/data/v2` reads with paging, `/customers/v1` for customers and
 * entities) behind the same `LeanApi` as v1: every list is read whole, page by page, and answered in
 * the gateway's model with money as exact decimal text.
 */
export class LeanV2Client implements LeanApi {
  readonly version = 'v2' as const;
  private readonly transport: LeanTransport;
  private readonly tokens: CustomerTokenSource;
  private readonly pageSize: number;
  private readonly maxPages: number;
  private readonly onClose: (() => Promise<void>) | undefined;

  constructor(options: LeanV2ClientOptions) {
    this.transport = options.transport;
    this.tokens = options.tokens;
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this.maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
    this.onClose = options.onClose;
  }

  get calls(): LeanCallCounter {
    return this.transport.calls;
  }

  async createCustomer(appUserId: string): Promise<Customer> {
    // A 409 CUSTOMER_ALREADY_EXISTS surfaces as LeanApiError with that leanStatus: the caller adopts the customer.
    return this.fetch(customerAnswer, { method: 'POST', path: '/customers/v1/', endpoint: 'POST /customers/v1', body: { app_user_id: appUserId }, retry: false }, 'json');
  }

  async getCustomer(customerId: string): Promise<Customer> {
    return this.fetch(customerAnswer, { method: 'GET', path: `/customers/v1/${segment(customerId)}`, endpoint: 'GET /customers/v1/{customer_id}', retry: true }, 'json');
  }

  async getCustomerByAppUserId(appUserId: string): Promise<Customer> {
    return this.fetch(
      customerAnswer,
      { method: 'GET', path: `/customers/v1/app-user-id/${segment(appUserId)}`, endpoint: 'GET /customers/v1/app-user-id/{app_user_id}', retry: true },
      'json',
    );
  }

  async listEntities(customerId: string): Promise<Entity[]> {
    return this.fetch(entitiesAnswer, { method: 'GET', path: `/customers/v1/${segment(customerId)}/entities`, endpoint: 'GET /customers/v1/{customer_id}/entities', retry: true }, 'json');
  }

  async getEntity(customerId: string, entityId: string): Promise<Entity> {
    return this.fetch(
      entityAnswer,
      {
        method: 'GET',
        path: `/customers/v1/${segment(customerId)}/entities/${segment(entityId)}`,
        endpoint: 'GET /customers/v1/{customer_id}/entities/{entity_id}',
        retry: true,
      },
      'json',
    );
  }

  /** Not in Lean's v2 collections: v1's call, with the bearer. */
  async deleteEntity(customerId: string, entityId: string): Promise<void> {
    await this.transport.send({
      method: 'DELETE',
      path: `/customers/v1/${segment(customerId)}/entities/${segment(entityId)}`,
      endpoint: 'DELETE /customers/v1/{customer_id}/entities/{entity_id}',
      body: { reason: 'USER_REQUESTED' },
      retry: false,
      parse: 'lossless',
    });
  }

  banks(accountType: AccountType): Promise<CatalogueBank[]> {
    return this.fetch(banksAnswer(accountType), { method: 'GET', path: '/banks/v1/', endpoint: 'GET /banks/v1', query: { account_types: accountType }, retry: true }, 'json');
  }

  identity(entityId: string): Promise<LeanResult<Identity>> {
    return this.list('identity', { method: 'GET', path: '/data/v2/identity', endpoint: ENDPOINTS.identity, query: { entity_id: entityId }, retry: true });
  }

  accounts(entityId: string): Promise<LeanResult<readonly Account[]>> {
    return this.list('accounts', { method: 'GET', path: '/data/v2/accounts', endpoint: ENDPOINTS.accounts, query: { entity_id: entityId }, retry: true });
  }

  balance(entityId: string, accountId: string): Promise<LeanResult<Balance>> {
    return this.list('balance', {
      method: 'GET',
      path: `/data/v2/accounts/${segment(accountId)}/balances`,
      endpoint: ENDPOINTS.balances,
      query: { entity_id: entityId },
      retry: true,
    });
  }

  /** `query.insights` is not sent: v2's insight object is undocumented, so transactions carry none. */
  transactions(entityId: string, accountId: string, query: TransactionsQuery): Promise<LeanResult<readonly Transaction[]>> {
    return this.list('transactions', {
      method: 'GET',
      path: `/data/v2/accounts/${segment(accountId)}/transactions`,
      endpoint: ENDPOINTS.transactions,
      query: { entity_id: entityId, start_date: query.startDate, end_date: query.endDate },
      retry: true,
    });
  }

  beneficiaries(entityId: string, accountId: string): Promise<LeanResult<DatasetAnswer<Beneficiary>>> {
    return offeredOrNot(() => this.list('beneficiaries', this.perAccount(ENDPOINTS.beneficiaries, 'beneficiaries', entityId, accountId)));
  }

  directDebits(entityId: string, accountId: string): Promise<LeanResult<DatasetAnswer<DirectDebit>>> {
    return offeredOrNot(() => this.list('direct_debits', this.perAccount(ENDPOINTS.directDebits, 'direct-debits', entityId, accountId)));
  }

  scheduledPayments(entityId: string, accountId: string): Promise<LeanResult<DatasetAnswer<ScheduledPayment>>> {
    return offeredOrNot(() => this.list('scheduled_payments', this.perAccount(ENDPOINTS.scheduledPayments, 'scheduled-payments', entityId, accountId)));
  }

  standingOrders(entityId: string, accountId: string): Promise<LeanResult<DatasetAnswer<StandingOrder>>> {
    return offeredOrNot(() => this.list('standing_orders', this.perAccount(ENDPOINTS.standingOrders, 'standing-orders', entityId, accountId)));
  }

  accountParties(entityId: string, accountId: string): Promise<LeanResult<DatasetAnswer<Party>>> {
    return offeredOrNot(() => this.list('identities', this.perAccount(ENDPOINTS.accountIdentities, 'identities', entityId, accountId)));
  }

  private perAccount(endpoint: string, path: string, entityId: string, accountId: string): LeanCall {
    return { method: 'GET', path: `/data/v2/accounts/${segment(accountId)}/${path}`, endpoint, query: { entity_id: entityId }, retry: true };
  }

  /** Lean's legacy asynchronous answer (after PENDING and `results.ready`), read as `kind`. */
  results<K extends DataKind>(resultsId: string, kind: K): Promise<LeanResult<DataOf<K>>> {
    return this.list(kind, { method: 'GET', path: `/data/v2/results/${segment(resultsId)}`, endpoint: ENDPOINTS.results, retry: true });
  }

  async requestRefresh(entityId: string): Promise<RefreshRequestResult> {
    let answer;
    try {
      // Safe to repeat: a refresh that did start answers the repeat with DUPLICATED_REQUEST.
      answer = await this.transport.send({ method: 'POST', path: '/data/v2/refreshes', endpoint: ENDPOINTS.refreshes, body: { entity_id: entityId }, retry: true, parse: 'lossless' });
    } catch (error) {
      if (error instanceof LeanApiError && error.leanStatus === 'DUPLICATED_REQUEST') return { kind: 'alreadyPending', correlationId: error.correlationId };
      if (error instanceof LeanApiError && error.leanStatus === 'CONSENT_EXPIRED') return { kind: 'consentExpired', message: error.leanMessage, correlationId: error.correlationId };
      throw error;
    }
    const { correlationId } = answer;
    const parsed = wire.refreshStarted.safeParse(answer.body);
    if (!parsed.success) throw new LeanProtocolError({ correlationId, endpoint: ENDPOINTS.refreshes, problem: describe(parsed.error) });
    const { refresh_id: refreshId, status, message } = parsed.data;
    if (refreshId) return { kind: 'started', refreshId, correlationId };
    if (status === 'DUPLICATED_REQUEST') return { kind: 'alreadyPending', correlationId };
    if (status === 'CONSENT_EXPIRED') return { kind: 'consentExpired', message: message ?? undefined, correlationId };
    throw new LeanProtocolError({ correlationId, endpoint: ENDPOINTS.refreshes, problem: 'refresh_id: missing' });
  }

  /** Every page (`page_number` from 0, customer/entity paging) of the entities created in the date range. */
  async entitiesCreatedBetween(startDate: string, endDate: string): Promise<CreatedEntity[]> {
    const found: CreatedEntity[] = [];
    for (let page = 0; page < this.maxPages; page++) {
      const answer = await this.fetch(
        createdEntitiesPage,
        {
          method: 'GET',
          path: '/customers/v1/entities',
          endpoint: ENDPOINTS.createdEntities,
          query: { page_number: page, page_size: this.pageSize, start_date: startDate, end_date: endDate },
          retry: true,
        },
        'json',
      );
      found.push(...answer.data.map((item) => ({ id: item.id, customerId: item.customer_id, status: item.status ?? null })));
      if (answer.data.length === 0 || page + 1 >= (answer.page?.total_pages ?? 1)) return found;
    }
    throw new LeanProtocolError({ correlationId: '', endpoint: ENDPOINTS.createdEntities, problem: `more than ${this.maxPages} pages` });
  }

  async refreshesOfEntity(entityId: string): Promise<RefreshListed[]> {
    const answer = await this.fetch(
      wire.refreshList,
      { method: 'GET', path: '/data/v2/refreshes', endpoint: ENDPOINTS.refreshList, query: { entity_id: entityId, page: 0, size: REFRESHES_LISTED }, retry: true },
      'json',
    );
    return answer.content.map((item) => ({ refreshId: item.refresh_id, status: item.status, updatedAt: toDate(item.updated_at) }));
  }

  async refreshDetails(refreshId: string): Promise<unknown> {
    const answer = await this.transport.send({ method: 'GET', path: `/data/v2/refreshes/${segment(refreshId)}`, endpoint: ENDPOINTS.refresh, retry: true, parse: 'json' });
    return answer.body;
  }

  async customerLinkToken(customerId: string): Promise<CustomerLinkToken> {
    const token = await this.tokens.customerToken(customerId);
    return { accessToken: token.accessToken, expiresAt: token.expiresAt };
  }

  async close(): Promise<void> {
    await this.transport.close();
    await this.onClose?.();
  }

  /** One call, its body parsed once: lossless where money may be in it; `/customers/v1` carries none. */
  private async fetch<S extends z.ZodType>(schema: S, call: LeanCall, parse: 'json' | 'lossless' = 'lossless'): Promise<z.output<S>> {
    const answer = await this.transport.send({ ...call, parse });
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success) throw new LeanProtocolError({ correlationId: answer.correlationId, endpoint: call.endpoint, problem: describe(parsed.error) });
    return parsed.data;
  }

  /**
   * Reads every page of a list (`page` from 0 until `total_pages`) and answers it whole. A page that
   * is not OK (PENDING, RECONNECT_REQUIRED …) ends the read with that answer. If Lean's data store
   * was refreshed between pages (`refreshed_at` moved), the read starts over once, so the pages
   * belong together.
   */
  private async list<K extends DataKind>(kind: K, call: LeanCall): Promise<LeanResult<DataOf<K>>> {
    const reader = KINDS[kind];
    let read = await this.readPages(call, reader.listKey, true);
    if (read.kind === 'moved') read = await this.readPages(call, reader.listKey, false);
    if (read.kind === 'end') return read.result;
    if (read.kind === 'moved') throw new Error('unreachable: a second pass reads on when the store moves');
    const { items, refreshedAt, correlationId } = read;
    try {
      return { kind: 'ok', data: reader.read(items), refreshedAt: toDate(refreshedAt), correlationId };
    } catch (error) {
      if (error instanceof z.ZodError) throw new LeanProtocolError({ correlationId, endpoint: call.endpoint, problem: describe(error, `data.${reader.listKey}`) });
      if (error instanceof UnreadableAnswer) throw new LeanProtocolError({ correlationId, endpoint: call.endpoint, problem: error.problem });
      throw error;
    }
  }

  /**
   * One pass over the pages. `stopIfMoved`: give up as soon as a page says Lean's store was
   * refreshed after page 0; otherwise read on, and page 0's `refreshed_at` (the oldest) stands.
   */
  private async readPages(
    call: LeanCall,
    listKey: string,
    stopIfMoved: boolean,
  ): Promise<{ kind: 'read'; items: unknown[]; refreshedAt: string | null | undefined; correlationId: string } | { kind: 'moved' } | { kind: 'end'; result: NotOk }> {
    const listOf = wire.listOf(listKey);
    const items: unknown[] = [];
    let refreshedAt: string | null | undefined;
    let correlationId = '';
    for (let page = 0; page < this.maxPages; page++) {
      const answer = await this.page(call, page);
      if (answer.kind !== 'page') return answer;
      correlationId = answer.correlationId;
      const protocolError = (problem: string) => new LeanProtocolError({ correlationId, endpoint: call.endpoint, problem });
      const list = listOf.safeParse(answer.data);
      if (!list.success) throw protocolError(describe(list.error, 'data'));
      const meta = wire.pageOf.safeParse(answer.data);
      if (!meta.success) throw protocolError(describe(meta.error, 'data'));
      if (page === 0) refreshedAt = answer.refreshedAt;
      else if (stopIfMoved && answer.refreshedAt !== refreshedAt) return { kind: 'moved' };
      items.push(...list.data);
      const totalPages = meta.data.page?.total_pages ?? 1;
      if (totalPages > this.maxPages) throw protocolError(`data.page.total_pages: more than ${this.maxPages} pages`);
      if (page + 1 >= totalPages) return { kind: 'read', items, refreshedAt, correlationId };
    }
    throw new LeanProtocolError({ correlationId, endpoint: call.endpoint, problem: `more than ${this.maxPages} pages` });
  }

  /** One page of a list: its `data`, or the answer that ends the read. */
  private async page(
    call: LeanCall,
    page: number,
  ): Promise<{ kind: 'page'; data: unknown; refreshedAt: string | null | undefined; correlationId: string } | { kind: 'end'; result: NotOk }> {
    let answer;
    try {
      answer = await this.transport.send({ ...call, query: { ...call.query, page, size: this.pageSize }, parse: 'lossless', outcomeOf: dataOutcome });
    } catch (error) {
      // An expired or revoked consent is an outcome to act on (link again), not a fault.
      if (error instanceof LeanApiError && error.leanStatus === 'CONSENT_EXPIRED') {
        return { kind: 'end', result: { kind: 'consentExpired', message: error.leanMessage, correlationId: error.correlationId } };
      }
      throw error;
    }
    const { correlationId } = answer;
    const protocolError = (problem: string) => new LeanProtocolError({ correlationId, endpoint: call.endpoint, problem });
    const envelope = wire.dataEnvelope.safeParse(answer.body);
    if (!envelope.success) throw protocolError(describe(envelope.error));
    const { status, results_id: resultsId, message } = envelope.data;
    switch (status) {
      case 'OK':
        return { kind: 'page', data: envelope.data.data, refreshedAt: envelope.data.refreshed_at, correlationId };
      case 'PENDING':
        if (!resultsId) throw protocolError('PENDING without results_id');
        return { kind: 'end', result: { kind: 'pending', resultsId, correlationId } };
      case 'RECONNECT_REQUIRED': {
        const reconnectId = reconnectIdOf(envelope.data);
        if (reconnectId === undefined || !resultsId) throw protocolError('RECONNECT_REQUIRED without reconnect_id or results_id');
        return { kind: 'end', result: { kind: 'reconnectRequired', reconnectId, resultsId, correlationId } };
      }
      case 'CONSENT_EXPIRED':
        return { kind: 'end', result: { kind: 'consentExpired', message: message ?? undefined, correlationId } };
      default:
        // FAILED, and any status Lean adds later: not data, and not something to retry blindly.
        return { kind: 'end', result: { kind: 'failed', status, message: message ?? undefined, resultsId: resultsId ?? undefined, correlationId } };
    }
  }
}

/** UNSUPPORTED, as an error body or as the envelope's status, is an answer: the dataset is not offered here. */
async function offeredOrNot<T>(read: () => Promise<LeanResult<DatasetAnswer<T>>>): Promise<LeanResult<DatasetAnswer<T>>> {
  try {
    const result = await read();
    return result.kind === 'failed' && result.status === NOT_OFFERED_STATUS ? { kind: 'ok', data: { offered: false }, correlationId: result.correlationId } : result;
  } catch (error) {
    if (error instanceof LeanApiError && error.leanStatus === NOT_OFFERED_STATUS) return { kind: 'ok', data: { offered: false }, correlationId: error.correlationId };
    throw error;
  }
}

/** Where the reconnect id may be: `data.reconnect_id`, top-level `reconnect_id`, or v1's `payload.reconnect_id`. */
function reconnectIdOf(envelope: z.output<typeof wire.dataEnvelope>): string | undefined {
  if (envelope.reconnect_id) return envelope.reconnect_id;
  for (const holder of [envelope.data, envelope.payload]) {
    const parsed = wire.reconnectHolder.safeParse(holder);
    if (parsed.success && parsed.data.reconnect_id !== '') return parsed.data.reconnect_id;
  }
  return undefined;
}

/** Where the answer differs from the contract: paths and expectations, never the values themselves. */
function describe(error: z.ZodError, prefix?: string): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter((part) => part !== undefined && part !== '').join('.');
      return `${path || '(root)'}: ${issue.code}`;
    })
    .join('; ');
}

export interface LeanV2Settings {
  readonly baseUrl: string;
  /** Lean's OAuth2 server; `/oauth2/token` is appended. */
  readonly authUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Optional under v2 (the bearer authenticates): mutual TLS towards the API host where the application uses it. */
  readonly tls?: { readonly cert: string; readonly key: string; readonly ca?: string | undefined } | undefined;
  readonly timeoutMs: number;
  readonly maxConcurrency: number;
  readonly maxRetries: number;
  readonly log: Logger;
  readonly retryBaseMs?: number | undefined;
  readonly retryMaxMs?: number | undefined;
  readonly circuit?: CircuitSettings | undefined;
  readonly observer?: LeanCallObserver | undefined;
  readonly pageSize?: number | undefined;
  readonly maxPages?: number | undefined;
}

/** A v2 client as production builds it: one token source and one transport sharing one counter. */
export function createLeanV2Client(settings: LeanV2Settings): LeanV2Client {
  const calls = new LeanCallCounter(settings.observer);
  const tokens = new OAuthTokenSource({
    authUrl: settings.authUrl,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    retryBaseMs: settings.retryBaseMs,
    retryMaxMs: settings.retryMaxMs,
    // Not the API's TLS settings: Lean's CA chain for the API host need not be the auth host's.
    calls,
    log: settings.log,
  });
  const transport = new LeanTransport({
    baseUrl: settings.baseUrl,
    auth: { kind: 'bearer', tokens },
    tls: settings.tls,
    timeoutMs: settings.timeoutMs,
    maxConcurrency: settings.maxConcurrency,
    maxRetries: settings.maxRetries,
    circuit: settings.circuit,
    calls,
    log: settings.log,
    ...(settings.retryBaseMs !== undefined && { retryBaseMs: settings.retryBaseMs }),
    ...(settings.retryMaxMs !== undefined && { retryMaxMs: settings.retryMaxMs }),
  });
  return new LeanV2Client({ transport, tokens, pageSize: settings.pageSize, maxPages: settings.maxPages, onClose: () => tokens.close() });
}
