import { CursorExpired, type GatewayEvent, type Whose } from '../events/bus.js';
import { placeOfCursor } from '../events/cursor.js';
import type { AccountRow, BalanceRow, ConsentRow, EntityRow, IdentityRow, TransactionRow } from '../data/rows.js';
import type { ConsentState as ConsentStateValue } from '../model/consent-state.js';
import { ConsentState, consentStateOfEntity } from './consent.js';
import { builder } from './builder.js';
import type { GatewayContext } from './context.js';
import { answeringLeanErrors, badUserInput, cursorExpired, notFound, personalDataForbidden } from './errors.js';
import { Account, BalanceRef, Consent, Customer, Entity, Identity, Transaction } from './refs.js';
import { DataRefreshStatus, latestRefreshOf, RefreshDatasets, refreshStatusOf, type RefreshShape } from './refresh.js';
import { KSA_DATASETS, type KsaDataset } from '../model/dataset-answer.js';

/** Most transactions a `TransactionsReady` event carries; page on through `account.transactions`. */
const READY_TRANSACTIONS = 100;

interface ReconnectShape {
  readonly entity: EntityRow;
  readonly reconnectId: string;
  readonly resultsId: string;
}

type ReadyShape =
  /** One of SAMA's per-account datasets; the client reads it from the account, now served from the gateway. */
  | { readonly kind: 'accountDataset'; readonly resultsId: string; readonly account: AccountRow; readonly dataset: KsaDataset }
  | { readonly kind: 'accounts'; readonly resultsId: string; readonly entity: EntityRow; readonly accounts: AccountRow[] }
  | { readonly kind: 'identity'; readonly resultsId: string; readonly entity: EntityRow; readonly identity: IdentityRow | undefined }
  | { readonly kind: 'balance'; readonly resultsId: string; readonly account: AccountRow; readonly balance: (BalanceRow & { stale: boolean }) | undefined }
  | {
      readonly kind: 'transactions';
      readonly resultsId: string;
      readonly account: AccountRow;
      readonly from: string;
      readonly to: string;
      readonly transactions: TransactionRow[];
    };

interface RefreshedShape {
  readonly entity: EntityRow;
  readonly event: Extract<GatewayEvent, { topic: 'dataRefreshed' }>;
  /** The entity's latest refresh as stored, when it is still the event's. */
  readonly refresh: RefreshShape | undefined;
}

const DataRefreshedEvent = builder.objectRef<RefreshedShape>('DataRefreshedEvent').implement({
  description: "Lean finished reading the bank into its data store, and the gateway read the entity's data again: its accounts, identity, balances and the transactions the default `transactions` range shows are served from the gateway now.",
  fields: (t) => ({
    entity: t.field({ type: Entity, description: 'The entity whose data was read again.', resolve: (refreshed) => refreshed.entity }),
    refreshId: t.string({ nullable: true, description: "Lean's `refresh_id`.", resolve: (refreshed) => refreshed.event.refreshId }),
    status: t.field({ type: DataRefreshStatus, description: 'How the refresh ended.', resolve: (refreshed) => refreshStatusOf(refreshed.event.status) }),
    leanStatus: t.string({ description: 'The status exactly as Lean sent it (FINISHED in KSA, OK in the UAE).', resolve: (refreshed) => refreshed.event.status }),
    datasets: t.field({
      type: RefreshDatasets,
      nullable: true,
      description: 'How Lean read each dataset; only those marked OK were read again. Null when Lean reported none, or when a newer refresh of the entity began before this event was read (see `Entity.latestRefresh`).',
      resolve: (refreshed) => refreshed.refresh?.dataStatus ?? null,
    }),
  }),
});

interface ConsentExpiringShape {
  readonly entity: EntityRow;
  readonly event: Extract<GatewayEvent, { topic: 'consentExpiring' }>;
  readonly consent: ConsentRow | undefined;
}

const ConsentExpiringEvent = builder.objectRef<ConsentExpiringShape>('ConsentExpiringEvent').implement({
  description: 'A consent of the customer ends within GATEWAY_CONSENT_NOTICE_DAYS; sent once per consent. Renew it: `prepareLink(renewEntityId:)`, then `Lean.connect`.',
  fields: (t) => ({
    entity: t.field({ type: Entity, description: 'The entity whose consent ends.', resolve: (notice) => notice.entity }),
    consentId: t.string({ description: "Lean's id of the consent.", resolve: (notice) => notice.event.consentId }),
    expiresAt: t.field({ type: 'DateTime', description: 'When the consent ends, as known when the notice was sent.', resolve: (notice) => new Date(notice.event.expiresAt) }),
    consent: t.field({ type: Consent, nullable: true, description: 'The consent as stored now; null when Lean no longer lists it.', resolve: (notice) => notice.consent ?? null }),
  }),
});

interface ConsentChangedShape {
  readonly entity: EntityRow;
  readonly consentState: ConsentStateValue;
}

const ConsentChangedEvent = builder.objectRef<ConsentChangedShape>('ConsentChangedEvent').implement({
  description: "An entity's consent state moved: revoked at the bank, ended, refused by Lean with CONSENT_EXPIRED, or given again.",
  fields: (t) => ({
    entity: t.field({ type: Entity, description: 'The entity whose consent changed.', resolve: (changed) => changed.entity }),
    consentState: t.field({ type: ConsentState, description: "The entity's consent state as it is now.", resolve: (changed) => changed.consentState }),
  }),
});

const ReconnectRequiredEvent = builder.objectRef<ReconnectShape>('ReconnectRequiredEvent').implement({
  description: 'A data call met RECONNECT_REQUIRED: the user must run `Lean.reconnect({ reconnect_id })`.',
  fields: (t) => ({
    entity: t.field({ type: Entity, description: 'The entity that needs reconnecting.', resolve: (event) => event.entity }),
    reconnectId: t.exposeString('reconnectId', { description: 'Pass to `Lean.reconnect` as `reconnect_id`.' }),
    resultsId: t.exposeString('resultsId', { description: 'The request that waits for the reconnect; `resultsReady` delivers its data.' }),
  }),
});

const AccountsReady = builder.objectRef<Extract<ReadyShape, { kind: 'accounts' }>>('AccountsReady').implement({
  description: 'The accounts of an entity, which Lean answered PENDING (or after a reconnect) and has now delivered.',
  isTypeOf: (value) => (value as ReadyShape).kind === 'accounts',
  fields: (t) => ({
    resultsId: t.exposeString('resultsId', { description: "Lean's `results_id` of the request." }),
    entity: t.field({ type: Entity, description: 'The entity.', resolve: (ready) => ready.entity }),
    accounts: t.field({ type: [Account], description: 'Its accounts.', resolve: (ready) => ready.accounts }),
  }),
});

const IdentityReady = builder.objectRef<Extract<ReadyShape, { kind: 'identity' }>>('IdentityReady').implement({
  description: 'The identity of an entity, delivered after a PENDING or RECONNECT_REQUIRED answer.',
  isTypeOf: (value) => (value as ReadyShape).kind === 'identity',
  fields: (t) => ({
    resultsId: t.exposeString('resultsId', { description: "Lean's `results_id` of the request." }),
    entity: t.field({ type: Entity, description: 'The entity.', resolve: (ready) => ready.entity }),
    identity: t.field({
      type: Identity,
      nullable: true,
      description: 'The identity. Personal data: an end user needs the scope `identity:read`.',
      resolve: (ready, _a, { principal }) => {
        personalDataForbidden(principal);
        return ready.identity ?? null;
      },
    }),
  }),
});

const BalanceReady = builder.objectRef<Extract<ReadyShape, { kind: 'balance' }>>('BalanceReady').implement({
  description: 'The balance of an account, delivered after a PENDING or RECONNECT_REQUIRED answer.',
  isTypeOf: (value) => (value as ReadyShape).kind === 'balance',
  fields: (t) => ({
    resultsId: t.exposeString('resultsId', { description: "Lean's `results_id` of the request." }),
    account: t.field({ type: Account, description: 'The account.', resolve: (ready) => ready.account }),
    balance: t.field({ type: BalanceRef, nullable: true, description: 'The balance.', resolve: (ready) => ready.balance ?? null }),
  }),
});

const TransactionsReady = builder.objectRef<Extract<ReadyShape, { kind: 'transactions' }>>('TransactionsReady').implement({
  description: `The transactions of an account in a date range, delivered after a PENDING or RECONNECT_REQUIRED answer: the newest ${READY_TRANSACTIONS}; page on with \`account.transactions(from, to)\`, now served from the gateway.`,
  isTypeOf: (value) => (value as ReadyShape).kind === 'transactions',
  fields: (t) => ({
    resultsId: t.exposeString('resultsId', { description: "Lean's `results_id` of the request." }),
    account: t.field({ type: Account, description: 'The account.', resolve: (ready) => ready.account }),
    from: t.field({ type: 'Date', description: 'First day of the range asked for.', resolve: (ready) => ready.from }),
    to: t.field({ type: 'Date', description: 'Last day of the range asked for.', resolve: (ready) => ready.to }),
    transactions: t.field({
      type: [Transaction],
      description: 'The newest transactions of the range, newest first.',
      complexity: { field: 1, multiplier: READY_TRANSACTIONS },
      resolve: (ready) => ready.transactions,
    }),
  }),
});

const AccountDatasetReady = builder.objectRef<Extract<ReadyShape, { kind: 'accountDataset' }>>('AccountDatasetReady').implement({
  description:
    "One of an account's KSA datasets (beneficiaries, direct debits, scheduled payments, standing orders, parties), which Lean answered PENDING and has now delivered: read it from `account`, now served from the gateway.",
  isTypeOf: (value) => (value as ReadyShape).kind === 'accountDataset',
  fields: (t) => ({
    resultsId: t.exposeString('resultsId', { description: "Lean's `results_id` of the request." }),
    account: t.field({ type: Account, description: 'The account.', resolve: (ready) => ready.account }),
    dataset: t.exposeString('dataset', { description: "Lean's name of the dataset (`beneficiaries`, `direct_debits`, `scheduled_payments`, `standing_orders`, `identities`)." }),
  }),
});

const ResultsReady = builder.unionType('ResultsReady', {
  description: 'Data that Lean answered asynchronously, typed like the field that went pending, carrying its data.',
  types: [AccountsReady, IdentityReady, BalanceReady, TransactionsReady, AccountDatasetReady],
});

/** The customer, if the caller may see it; the same NOT_FOUND for one that does not exist. */
async function visibleCustomer(context: GatewayContext, customerId: string): Promise<string> {
  const customer = await answeringLeanErrors(() => context.data.customer(customerId));
  if (customer === undefined) throw notFound('customer');
  return customer.id;
}

export const AFTER_DESCRIPTION =
  "Resume after this event: the `extensions.cursor` of the last result received (over SSE, the event's `id`; an EventSource sends it as `Last-Event-ID` by itself). The events since, kept for `GATEWAY_EVENT_RETENTION_HOURS`, come first, in order, then live ones; a cursor older than that is the error CURSOR_EXPIRED (query again, then subscribe without it).";

/** The subscriber's events: from `after` (or SSE's `Last-Event-ID`) when given, else from now. */
export async function eventsOf<K extends GatewayEvent['topic']>(context: GatewayContext, topic: K, whose: Whose, after: string | null | undefined) {
  const cursor = after ?? context.lastEventId;
  const place = cursor === undefined ? undefined : placeOfCursor(cursor);
  if (cursor !== undefined && place === undefined) throw badUserInput('Not a cursor of this gateway: give the `extensions.cursor` of a result received', { argument: 'after' });
  try {
    return await context.events.subscribe(topic, whose, place);
  } catch (error) {
    if (error instanceof CursorExpired) throw cursorExpired();
    throw error;
  }
}

const isKsaDataset = (kind: string): kind is KsaDataset => (KSA_DATASETS as readonly string[]).includes(kind);

async function readyResult(context: GatewayContext, event: Extract<GatewayEvent, { topic: 'resultsReady' }>): Promise<ReadyShape> {
  const { data } = context;
  data.forgetAllOnce(event);
  const pending = await data.pendingRequest(event.resultsId);
  if (pending === undefined) throw notFound('results');
  const entity = await data.entity(pending.entity_id);
  if (entity === undefined) throw notFound('entity');
  if (pending.kind === 'accounts' || pending.kind === 'identity') {
    if (pending.kind === 'identity') {
      const identity = await data.identityOf(entity.id);
      return { kind: 'identity', resultsId: pending.results_id, entity, identity: identity?.kind === 'ok' ? identity.value : undefined };
    }
    const accounts = await data.accountsOf(entity.id);
    return { kind: 'accounts', resultsId: pending.results_id, entity, accounts: accounts.kind === 'ok' ? accounts.value : [] };
  }
  const account = pending.account_id === null ? undefined : await data.account(pending.account_id);
  if (account === undefined) throw notFound('account');
  if (isKsaDataset(pending.kind)) return { kind: 'accountDataset', resultsId: pending.results_id, account, dataset: pending.kind };
  if (pending.kind === 'balance') {
    const balance = await data.balanceOf(account.id);
    return { kind: 'balance', resultsId: pending.results_id, account, balance: balance?.kind === 'ok' ? { ...balance.value, stale: balance.stale } : undefined };
  }
  const from = pending.start_date ?? '';
  const to = pending.end_date ?? '';
  return { kind: 'transactions', resultsId: pending.results_id, account, from, to, transactions: await data.storedTransactions(account.id, from, to, READY_TRANSACTIONS) };
}

builder.subscriptionType({ description: 'Live events, over graphql-ws (WebSocket on /graphql, token in `connectionParams`) or SSE.' });

builder.subscriptionFields((t) => ({
  entityLinked: t.field({
    type: Entity,
    description: 'Each bank the customer links (after `Lean.connect` succeeds and Lean sends `entity.created`).',
    args: { customerId: t.arg.globalID({ for: Customer, required: true, description: 'The global id of the customer.' }), after: t.arg.string({ description: AFTER_DESCRIPTION }) },
    subscribe: async (_root, { customerId, after }, context) => eventsOf(context, 'entityLinked', { customerId: await visibleCustomer(context, customerId.id) }, after),
    resolve: async (event, _args, context) => {
      context.data.forgetAllOnce(event);
      const entity = await context.data.entity(event.entityId);
      if (entity === undefined) throw notFound('entity');
      return entity;
    },
  }),
  entityReconnected: t.field({
    type: Entity,
    description: 'Each entity of the customer that the user reconnected (`Lean.reconnect` succeeded; Lean sent `entity.reconnected`).',
    args: { customerId: t.arg.globalID({ for: Customer, required: true, description: 'The global id of the customer.' }), after: t.arg.string({ description: AFTER_DESCRIPTION }) },
    subscribe: async (_root, { customerId, after }, context) => eventsOf(context, 'entityReconnected', { customerId: await visibleCustomer(context, customerId.id) }, after),
    resolve: async (event, _args, context) => {
      context.data.forgetAllOnce(event);
      const entity = await context.data.entity(event.entityId);
      if (entity === undefined) throw notFound('entity');
      return entity;
    },
  }),
  reconnectRequired: t.field({
    type: ReconnectRequiredEvent,
    description: 'Each time a data call for the customer meets RECONNECT_REQUIRED: run `Lean.reconnect` with `reconnectId`.',
    args: { customerId: t.arg.globalID({ for: Customer, required: true, description: 'The global id of the customer.' }), after: t.arg.string({ description: AFTER_DESCRIPTION }) },
    subscribe: async (_root, { customerId, after }, context) => eventsOf(context, 'reconnectRequired', { customerId: await visibleCustomer(context, customerId.id) }, after),
    resolve: async (event, _args, context) => {
      context.data.forgetAllOnce(event);
      const entity = await context.data.entity(event.entityId);
      if (entity === undefined) throw notFound('entity');
      return { entity, reconnectId: event.reconnectId, resultsId: event.resultsId };
    },
  }),
  dataRefreshed: t.field({
    type: DataRefreshedEvent,
    description:
      "Each data refresh of the customer's entities that Lean finished (after each link, and each `requestDataRefresh`), once the gateway has read the entity's data again into its store.",
    args: { customerId: t.arg.globalID({ for: Customer, required: true, description: 'The global id of the customer.' }), after: t.arg.string({ description: AFTER_DESCRIPTION }) },
    subscribe: async (_root, { customerId, after }, context) => eventsOf(context, 'dataRefreshed', { customerId: await visibleCustomer(context, customerId.id) }, after),
    resolve: async (event, _args, context) => {
      context.data.forgetAllOnce(event);
      const entity = await context.data.entity(event.entityId);
      if (entity === undefined) throw notFound('entity');
      const latest = latestRefreshOf(await context.data.refreshStateOf(entity.id));
      return { entity, event, refresh: latest?.refreshId === event.refreshId && latest.leanStatus === event.status ? latest : undefined };
    },
  }),
  consentExpiring: t.field({
    type: ConsentExpiringEvent,
    description: "Each consent of the customer's entities that ends within GATEWAY_CONSENT_NOTICE_DAYS (default 7): sent once per consent, by one instance, whatever restarts.",
    args: { customerId: t.arg.globalID({ for: Customer, required: true, description: 'The global id of the customer.' }), after: t.arg.string({ description: AFTER_DESCRIPTION }) },
    subscribe: async (_root, { customerId, after }, context) => eventsOf(context, 'consentExpiring', { customerId: await visibleCustomer(context, customerId.id) }, after),
    resolve: async (event, _args, context) => {
      context.data.forgetAllOnce(event);
      const entity = await context.data.entity(event.entityId);
      if (entity === undefined) throw notFound('entity');
      const consent = (await context.data.consentsOf(entity.id)).find((stored) => stored.id === event.consentId);
      return { entity, event, consent };
    },
  }),
  consentChanged: t.field({
    type: ConsentChangedEvent,
    description:
      "Each move of the consent state of the customer's entities: a consent revoked at the bank (`entity.updated`), refused by Lean with CONSENT_EXPIRED, ended, or given again.",
    args: { customerId: t.arg.globalID({ for: Customer, required: true, description: 'The global id of the customer.' }), after: t.arg.string({ description: AFTER_DESCRIPTION }) },
    subscribe: async (_root, { customerId, after }, context) => eventsOf(context, 'consentChanged', { customerId: await visibleCustomer(context, customerId.id) }, after),
    resolve: async (event, _args, context) => {
      context.data.forgetAllOnce(event);
      const entity = await context.data.entity(event.entityId);
      if (entity === undefined) throw notFound('entity');
      return { entity, consentState: consentStateOfEntity(entity, await context.data.consentsOf(entity.id), context.link.consentNoticeMs) };
    },
  }),
  resultsReady: t.field({
    type: ResultsReady,
    description:
      'Data Lean answered asynchronously (`results.ready`), typed like the field that went pending and carrying its data: for one `resultsId`, or for every request of a customer. Give exactly one of the two.',
    args: {
      resultsId: t.arg.string({ description: 'The `resultsId` of a `ResultsPending` or `ReconnectRequired` answer.' }),
      customerId: t.arg.globalID({ for: Customer, description: 'The global id of the customer.' }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
    },
    subscribe: async (_root, { resultsId, customerId, after }, context) => {
      if ((resultsId ?? undefined) === undefined === ((customerId ?? undefined) === undefined)) {
        throw badUserInput('Give exactly one of resultsId and customerId', { argument: 'resultsId/customerId' });
      }
      if (customerId !== null && customerId !== undefined) return eventsOf(context, 'resultsReady', { customerId: await visibleCustomer(context, customerId.id) }, after);
      const pending = await context.data.pendingRequest(resultsId ?? '');
      if (pending === undefined) throw notFound('results');
      if (after !== null && after !== undefined) return eventsOf(context, 'resultsReady', { resultsId: pending.results_id }, after);
      const whose = { resultsId: pending.results_id };
      // Completed before this subscription: its event comes first, from the log when the log still
      // holds it (with its cursor), else as it is stored.
      if (pending.status !== 'READY') {
        const live = await context.events.subscribe('resultsReady', whose);
        const again = await context.data.pendingRequest(pending.results_id);
        if (again?.status !== 'READY') return live;
      }
      const before = await context.events.lastEventOf('resultsReady', whose);
      if (before !== undefined) return context.events.subscribe('resultsReady', whose, before);
      return alreadyReady({ topic: 'resultsReady' as const, customerId: pending.customer_id, resultsId: pending.results_id }, await context.events.subscribe('resultsReady', whose));
    },
    resolve: (event, _args, context) => readyResult(context, event),
  }),
}));

/** The event of a request that completed before the subscription began (no longer in the log, so without a cursor), then the live ones. */
async function* alreadyReady<F, E>(first: F, live: AsyncIterable<E>): AsyncGenerator<F | E> {
  yield first;
  yield* live;
}
