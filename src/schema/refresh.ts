import { GraphQLError, responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import type { EntityRefreshRow, EntityRow, RefreshDataStatusJson } from '../data/rows.js';
import { refreshFinished } from '../model/refresh.js';
import { builder } from './builder.js';
import type { GatewayContext } from './context.js';
import { answeringLeanErrors, notFound, upstreamError } from './errors.js';
import { ConsentExpired } from './outcomes.js';
import { Account, Entity } from './refs.js';
import type { ErrorCode } from '../model/error-codes.js';

/** A refresh as the schema shows it: the entity's latest (from the store), or the one an event names. */
export interface RefreshShape {
  readonly refreshId: string | null;
  readonly leanStatus: string;
  readonly updatedAt: Date;
  /** Null when Lean reported no dataset (or the store holds a newer refresh than the event's). */
  readonly dataStatus: RefreshDataStatusJson | null;
}

type AccountDatasetsShape = RefreshDataStatusJson['account_data'][number];

/** One dataset as Lean named it, with its status as sent. */
interface DatasetReportShape {
  readonly dataset: string;
  readonly code: string;
}

const DATASET_STATUSES = ['OK', 'FAILED', 'UNSUPPORTED', 'PENDING'] as const;
type KnownDatasetStatus = (typeof DATASET_STATUSES)[number] | 'OTHER';

export const DatasetStatus = builder.enumType('DatasetStatus', {
  description: "How Lean's read of one dataset went in a data refresh (`data_status`). A status this gateway does not know yet reads as OTHER, never as an error.",
  values: {
    OK: { value: 'OK', description: "Read: Lean's data store holds it, and the gateway read it again." },
    FAILED: { value: 'FAILED', description: 'Lean could not read it from the bank this time; the copy read earlier stands.' },
    UNSUPPORTED: { value: 'UNSUPPORTED', description: 'The bank or the region does not offer it (the KSA-only datasets in the UAE, a permission not granted).' },
    PENDING: { value: 'PENDING', description: 'Lean is still reading it.' },
    OTHER: { value: 'OTHER', description: 'A status Lean added after this gateway was built; its text is in `reported`.' },
  } as const satisfies Record<KnownDatasetStatus, { value: KnownDatasetStatus; description: string }>,
});

const datasetStatusOf = (code: string | null | undefined): KnownDatasetStatus | null => {
  if (code === null || code === undefined) return null;
  return (DATASET_STATUSES as readonly string[]).includes(code) ? (code as KnownDatasetStatus) : 'OTHER';
};

export const DataRefreshStatus = builder.enumType('DataRefreshStatus', {
  description: "Where a data refresh stands: Lean reads the bank into its data store after each link and each `requestDataRefresh`.",
  values: {
    PENDING: { value: 'PENDING', description: 'Lean is reading the bank.' },
    FINISHED: { value: 'FINISHED', description: 'Lean finished reading the bank (Lean says FINISHED in KSA and OK in the UAE); the gateway read the data again.' },
    OTHER: { value: 'OTHER', description: 'A status Lean added after this gateway was built; its text is in `leanStatus`.' },
  } as const,
});

export const refreshStatusOf = (status: string): 'PENDING' | 'FINISHED' | 'OTHER' => (status === 'PENDING' ? 'PENDING' : refreshFinished(status) ? 'FINISHED' : 'OTHER');

const DatasetReport = builder.objectRef<DatasetReportShape>('DatasetReport').implement({
  description: 'One dataset of a refresh exactly as Lean reported it.',
  fields: (t) => ({
    dataset: t.exposeString('dataset', { description: "Lean's name of the dataset, e.g. `balance`, `transactions`, `beneficiaries`." }),
    status: t.field({ type: DatasetStatus, description: 'The status (OTHER for one not known here).', resolve: (report) => datasetStatusOf(report.code) ?? 'OTHER' }),
    code: t.exposeString('code', { description: 'The status exactly as Lean sent it.' }),
  }),
});

const accountDataset = (name: string, description: string) =>
  ({
    type: DatasetStatus,
    nullable: true,
    description,
    resolve: (account: AccountDatasetsShape) => datasetStatusOf(account.datasets[name]),
  }) as const;

const AccountRefreshDatasets = builder.objectRef<AccountDatasetsShape>('AccountRefreshDatasets').implement({
  description: 'What a data refresh read of one account: each dataset (null where Lean did not report it) and the days Lean holds transactions for.',
  fields: (t) => ({
    leanAccountId: t.string({ description: "Lean's `account_id`.", resolve: (account) => account.account_id }),
    account: t.field({
      type: Account,
      nullable: true,
      description: 'The account, as the gateway holds it; null when it does not (Lean could not list the accounts).',
      resolve: async (account, _a, { data }) => (await data.account(account.account_id)) ?? null,
    }),
    balance: t.field(accountDataset('balance', 'Its balance.')),
    transactions: t.field(accountDataset('transactions', 'Its transactions.')),
    identity: t.field(accountDataset('identity', 'The identities of its parties.')),
    beneficiaries: t.field(accountDataset('beneficiaries', 'Its beneficiaries (KSA).')),
    directDebits: t.field(accountDataset('direct_debits', 'Its direct debits (KSA).')),
    standingOrders: t.field(accountDataset('standing_orders', 'Its standing orders (KSA).')),
    scheduledPayments: t.field(accountDataset('scheduled_payments', 'Its scheduled payments (KSA).')),
    transactionsFrom: t.field({ type: 'Date', nullable: true, description: 'The first day Lean holds transactions for.', resolve: (account) => account.transactions_from }),
    transactionsTo: t.field({ type: 'Date', nullable: true, description: 'The last day Lean holds transactions for.', resolve: (account) => account.transactions_to }),
    transactionsCompleteMonths: t.int({
      nullable: true,
      description: 'Calendar months wholly within those days.',
      resolve: (account) => account.complete_months,
    }),
    reported: t.field({
      type: [DatasetReport],
      description: 'Every dataset Lean reported for the account, by its name, with the status as sent (datasets this schema has no field for included).',
      resolve: (account) => Object.entries(account.datasets).map(([dataset, code]) => ({ dataset, code })),
    }),
  }),
});

export const RefreshDatasets = builder.objectRef<RefreshDataStatusJson>('RefreshDatasets').implement({
  description: "How Lean's read of each dataset went (`data_status`). Only datasets marked OK are read again by the gateway; the others keep the copy read earlier.",
  fields: (t) => ({
    accounts: t.field({ type: DatasetStatus, nullable: true, description: 'The list of accounts.', resolve: (status) => datasetStatusOf(status.accounts) }),
    identity: t.field({ type: DatasetStatus, nullable: true, description: "The account holder's identity.", resolve: (status) => datasetStatusOf(status.identity) }),
    accountData: t.field({ type: [AccountRefreshDatasets], description: 'Per account: each dataset and the days of transactions Lean holds.', resolve: (status) => status.account_data }),
    reported: t.field({
      type: [DatasetReport],
      description: 'The entity-wide datasets exactly as Lean reported them.',
      resolve: (status) =>
        (['accounts', 'identity'] as const).flatMap((dataset) => {
          const code = status[dataset];
          return code === null ? [] : [{ dataset, code }];
        }),
    }),
  }),
});

export const DataRefresh = builder.objectRef<RefreshShape>('DataRefresh').implement({
  description: "A data refresh of an entity: Lean reading the bank into its data store (Lean's `entity.data.refresh.updated`).",
  fields: (t) => ({
    refreshId: t.string({ nullable: true, description: "Lean's `refresh_id`.", resolve: (refresh) => refresh.refreshId }),
    status: t.field({ type: DataRefreshStatus, description: 'Where it stands.', resolve: (refresh) => refreshStatusOf(refresh.leanStatus) }),
    leanStatus: t.string({ description: 'The status exactly as Lean sent it (PENDING, FINISHED, OK …).', resolve: (refresh) => refresh.leanStatus }),
    updatedAt: t.field({ type: 'DateTime', description: 'When Lean said so.', resolve: (refresh) => refresh.updatedAt }),
    datasets: t.field({ type: RefreshDatasets, nullable: true, description: 'How each dataset went; null when Lean reported none.', resolve: (refresh) => refresh.dataStatus }),
  }),
});

/** The entity's latest refresh as recorded; null before Lean sent one. */
export function latestRefreshOf(row: EntityRefreshRow | undefined): RefreshShape | null {
  if (row === undefined || row.refresh_status === null || row.refresh_updated_at === null) return null;
  return { refreshId: row.refresh_id, leanStatus: row.refresh_status, updatedAt: row.refresh_updated_at, dataStatus: row.refresh_data_status };
}

builder.objectFields(Entity, (t) => ({
  refreshedAt: t.field({
    type: 'DateTime',
    nullable: true,
    description: "When Lean last read the bank into its data store (a finished refresh, or v2's `refreshed_at` on a data answer); null until Lean said.",
    resolve: async (entity, _a, { data }) => (await data.refreshStateOf(entity.id))?.refreshed_at ?? null,
  }),
  latestRefresh: t.field({
    type: DataRefresh,
    nullable: true,
    description: 'The latest data refresh Lean told of (after a link, `requestDataRefresh` or `refreshEntity`); null until Lean sent one.',
    resolve: async (entity, _a, { data }) => latestRefreshOf(await data.refreshStateOf(entity.id)),
  }),
}));

interface RequestedShape {
  readonly entity: EntityRow;
  readonly refreshId: string;
}

/** Lean answered 429 DUPLICATED_REQUEST: a refresh of the entity is pending already. */
class DataRefreshAlreadyPendingError extends Error {
  constructor(readonly entity: EntityRow) {
    super('A refresh of this entity is pending at Lean already; dataRefreshed follows when it is done');
    this.name = 'DataRefreshAlreadyPending';
  }
}

/** The Lean API spoken (v1) has no call to read the bank again. */
class DataRefreshUnavailableError extends Error {
  constructor(readonly entity: EntityRow) {
    super("Lean's v1 API has no call to read the bank again; the entity's data is read again at its next read after refreshEntity");
    this.name = 'DataRefreshUnavailable';
  }
}

const DataRefreshRequested = builder.objectRef<RequestedShape>('DataRefreshRequested').implement({
  description: 'Lean started reading the bank again. `dataRefreshed` follows when it is done (and `Entity.latestRefresh` shows it PENDING meanwhile).',
  fields: (t) => ({
    entity: t.field({ type: Entity, description: 'The entity.', resolve: (answer) => answer.entity }),
    refreshId: t.exposeString('refreshId', { description: "Lean's `refresh_id`; `dataRefreshed` carries it." }),
  }),
});

builder.objectType(DataRefreshAlreadyPendingError, {
  name: 'DataRefreshAlreadyPending',
  description: 'A refresh of this entity is pending at Lean already (Lean answered 429 DUPLICATED_REQUEST): wait for `dataRefreshed`.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'What happened, for people.' }),
    entity: t.field({ type: Entity, description: 'The entity.', resolve: (answer) => answer.entity }),
  }),
});

builder.objectType(DataRefreshUnavailableError, {
  name: 'DataRefreshUnavailable',
  description: "The Lean API this gateway speaks (v1) has no call to read the bank again: after `refreshEntity` the entity's data is read again at its next read.",
  fields: (t) => ({
    message: t.exposeString('message', { description: 'What happened, for people.' }),
    entity: t.field({ type: Entity, description: 'The entity.', resolve: (answer) => answer.entity }),
  }),
});

/** Asks Lean to read the bank again; what is not a started refresh is thrown as the union's other members. */
async function requestDataRefresh(context: GatewayContext, entity: EntityRow): Promise<RequestedShape> {
  if (entity.status === 'DISCONNECTED') {
    throw new GraphQLError('The entity is disconnected; link the bank again.', { extensions: { code: 'ENTITY_DISCONNECTED' satisfies ErrorCode } });
  }
  const answer = await answeringLeanErrors(() => context.data.requestDataRefresh(entity));
  switch (answer?.kind) {
    case undefined:
      throw new DataRefreshUnavailableError(entity);
    case 'started':
      return { entity, refreshId: answer.refreshId };
    case 'alreadyPending':
      throw new DataRefreshAlreadyPendingError(entity);
    case 'consentExpired':
      throw new ConsentExpired(entity.id);
  }
}

/**
 * What `refreshEntity` adds under v2: Lean is asked to read the bank again, its outcome shown in
 * `Entity.latestRefresh`. A Lean failure here does not fail the mutation: it accompanies the answer.
 */
export async function alsoRequestDataRefresh(context: GatewayContext, entity: EntityRow, info: GraphQLResolveInfo): Promise<void> {
  if (entity.status === 'DISCONNECTED') return;
  try {
    await context.data.requestDataRefresh(entity);
  } catch (error) {
    const warning = upstreamError(error, responsePathAsArray(info.path));
    if (warning === undefined) throw error;
    context.warnings.push(warning);
  }
}

builder.mutationFields((t) => ({
  requestDataRefresh: t.field({
    type: DataRefreshRequested,
    errors: {
      types: [DataRefreshAlreadyPendingError, ConsentExpired, DataRefreshUnavailableError],
      union: { name: 'DataRefreshRequestResult', description: 'What asking Lean to read the bank again came to. Branch on `__typename`.' },
    },
    description:
      "Asks Lean to read the bank into its data store again (v2 `POST /data/v2/refreshes`). When Lean is done, the gateway reads the entity's data again and `dataRefreshed` tells of it. Answers whether a refresh started, one was pending already, the consent ended, or the Lean API spoken (v1) has no such call.",
    args: { entityId: t.arg.globalID({ for: Entity, required: true, description: 'The global id of the entity.' }) },
    resolve: async (_root, { entityId }, context) => {
      const entity = await context.data.entity(entityId.id);
      if (entity === undefined) throw notFound('entity');
      return requestDataRefresh(context, entity);
    },
  }),
}));
