import type { Kysely } from 'kysely';
import type { Tables } from '../db/tables.js';
import { announceEvents, publishEvent } from '../events/bus.js';
import type { DataKind, RefreshRequestResult } from '../model/results.js';
import { datasetRead, orderOfRefresh, type DataRefresh, type RefreshMoment } from '../model/refresh.js';
import { LeanApiError } from '../model/upstream-errors.js';
import { accountsOfEntities, type EntityAccounts } from '../store/accounts-store.js';
import { expireDatasets } from '../store/account-datasets-store.js';
import { recordRefreshState, refreshStateOf, type EntityRefreshRow } from '../store/entity-refresh-store.js';
import { gateOf, type EntityGate } from '../store/gates.js';
import { accountsKind } from './kinds/accounts.js';
import { balanceKind } from './kinds/balance.js';
import { askEntityList, saveEntityList, type EntityList } from './kinds/entities.js';
import { identityKind } from './kinds/identity.js';
import type { DataRequest, KindModule } from './kinds/kind.js';
import { transactionsKind, transactionsWindow } from './kinds/transactions.js';
import { askLean, storeLeanAnswer, type AskedLean, type LeanAnswerContext } from './lean-answer.js';
import { refusal } from './refusals.js';

/** One answer of Lean, asked already, stored when run (inside the caller's transaction). */
type StoreWrite = (db: Kysely<Tables>) => Promise<void>;

/** What a finished refresh made the gateway ask Lean, not stored yet. */
export interface RefreshReads {
  readonly entity: EntityAccounts;
  /** The writes in the order they must run: the entity list and the accounts before the data of each account. */
  readonly writes: readonly StoreWrite[];
  /** What was not read, and why (for the webhook's note). */
  readonly skipped: readonly string[];
}

/** The entity with its gate and stored accounts; undefined when it is unknown here. */
export async function entityOfRefresh(context: LeanAnswerContext, entityId: string): Promise<EntityAccounts | undefined> {
  return (await accountsOfEntities(context.db, context.vault, [entityId])).get(entityId);
}

/**
 * Lean finished reading the bank into its data store: reads again what the gateway keeps of the
 * entity, through the kind modules as the read path does — the customer's entity list, the accounts,
 * the identity, and each account's balance and the transactions of the days the default
 * `transactions` query reads — limited to the datasets Lean read (`data_status` OK) and to what the
 * entity may read (its permissions; no identity of a BUSINESS account). A dataset Lean could not
 * read (FAILED, UNSUPPORTED) is not asked for and keeps its copy. Nothing is stored here: `storeRefreshReads`
 * stores every answer in the caller's transaction, as the read path would (PENDING and
 * RECONNECT_REQUIRED remembered for `results.ready`, the entity marked).
 */
export async function readRefreshedEntity(context: LeanAnswerContext, entity: EntityAccounts, refresh: DataRefresh): Promise<RefreshReads> {
  const gate = gateOf(entity);
  const writes: StoreWrite[] = [];
  const skipped: string[] = [];
  const read = async <K extends DataKind>(kind: KindModule<K>, request: DataRequest<K>): Promise<AskedLean<K> | undefined> => {
    if (refusal(gate, kind.kind) !== undefined) {
      skipped.push(`${kind.kind}: not granted`);
      return undefined;
    }
    const asked = await askLean(context, kind, request, gate);
    // Lean could not fetch it after all: the copy stands, as for a dataset it reported FAILED.
    if (asked.kind === 'answered' && asked.result.kind === 'failed') {
      skipped.push(`${kind.kind}: Lean answered ${asked.result.status}`);
      return undefined;
    }
    writes.push(async (db) => {
      await storeLeanAnswer(db, context, kind, request, gate, asked);
    });
    return asked;
  };

  const list = await entityListOf(context, gate);
  if (list !== undefined) writes.push((db) => saveEntityList(db, context.vault, list));

  let accountIds = entity.accounts.map((account) => account.id);
  if (datasetRead(refresh, refresh.accounts)) {
    const asked = await read(accountsKind, { entityId: gate.entity_id });
    if (asked?.kind === 'answered' && asked.result.kind === 'ok') accountIds = asked.result.data.map((account) => account.id);
    // The link cannot answer now (the user must reconnect or consent again): every other read would say the same.
    if (asked !== undefined && answersNothingMore(asked)) return { entity, writes, skipped: [...skipped, 'the rest: the link cannot answer now'] };
  } else {
    skipped.push(`accounts: ${refresh.accounts ?? 'not reported'}`);
  }

  const reported = new Map(refresh.accountData.map((account) => [account.accountId, account]));
  const days = transactionsWindow(undefined, undefined, context.now());
  const reads: Promise<unknown>[] = [];
  if (datasetRead(refresh, refresh.identity)) reads.push(read(identityKind, { entityId: gate.entity_id }));
  else skipped.push(`identity: ${refresh.identity ?? 'not reported'}`);
  for (const accountId of accountIds) {
    const status = reported.get(accountId);
    if (datasetRead(refresh, status?.balance)) reads.push(read(balanceKind, { entityId: gate.entity_id, accountId }));
    else skipped.push(`balance of ${accountId}: ${status?.balance ?? 'not reported'}`);
    if (datasetRead(refresh, status?.transactions)) reads.push(read(transactionsKind, { entityId: gate.entity_id, accountId, ...days }));
    else skipped.push(`transactions of ${accountId}: ${status?.transactions ?? 'not reported'}`);
  }
  await Promise.all(reads);
  // SAMA's per-account datasets are not read ahead: their next read asks Lean.
  writes.push((db) => expireDatasets(db, accountIds));
  return { entity, writes, skipped };
}

/** Stores what `readRefreshedEntity` asked, in order, through `db` (the webhook's transaction). */
export async function storeRefreshReads(db: Kysely<Tables>, reads: RefreshReads): Promise<void> {
  for (const write of reads.writes) await write(db);
}

/** The customer's entity list, which also holds the entity's consents; undefined when Lean does not know the customer. */
async function entityListOf(context: LeanAnswerContext, gate: EntityGate): Promise<EntityList | undefined> {
  try {
    return await askEntityList(context, gate.customer_id);
  } catch (error) {
    if (error instanceof LeanApiError && error.httpStatus === 404) return undefined;
    throw error;
  }
}

function answersNothingMore(asked: AskedLean<DataKind>): boolean {
  if (asked.kind === 'unknownEntity') return true;
  if (asked.kind === 'settled') return false;
  return asked.result.kind === 'reconnectRequired' || asked.result.kind === 'consentExpired';
}

/**
 * Asks Lean to read the bank again now (v2 `POST /data/v2/refreshes`); a refresh Lean started is
 * recorded as the entity's latest (PENDING), and its webhooks follow. Undefined from v1, which has
 * no such call.
 */
export async function requestRefreshAtLean(context: LeanAnswerContext, entityId: string): Promise<RefreshRequestResult | undefined> {
  const answer = await context.lean.requestRefresh(entityId);
  if (answer?.kind !== 'started') return answer;
  const refresh: DataRefresh = { refreshId: answer.refreshId, entityId, customerId: null, status: 'PENDING', datasetsReported: false, accounts: null, identity: null, accountData: [] };
  const moment = { refreshId: answer.refreshId, status: 'PENDING', updatedAt: context.now() };
  await context.db.transaction().execute(async (trx) => {
    const recorded = await refreshStateOf(trx, entityId, { forUpdate: true });
    // Its own PENDING webhook may have been applied already (or even its FINISHED).
    if (recorded === undefined || orderOfRefresh(momentOfRefresh(recorded), moment) !== 'newer') return;
    await recordRefreshState(trx, refresh, moment.updatedAt, false);
    await publishEvent(trx, { topic: 'dataChanged', customerId: recorded.customer_id, entityId });
  });
  announceEvents(context.db);
  return answer;
}

/** The entity's latest refresh as recorded; undefined before Lean sent one. */
export function momentOfRefresh(row: EntityRefreshRow): RefreshMoment | undefined {
  if (row.refresh_status === null || row.refresh_updated_at === null) return undefined;
  return { refreshId: row.refresh_id, status: row.refresh_status, updatedAt: row.refresh_updated_at };
}
