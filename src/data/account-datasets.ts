import type DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { PersonalDataUnreadable, type PersonalDataVault } from '../crypto/personal-data.js';
import type { Tables } from '../db/tables.js';
import { regionOfBank } from '../model/consent-rules.js';
import type { DatasetAnswer, KsaDataset } from '../model/dataset-answer.js';
import type { Money } from '../model/money.js';
import { datasetOfAccounts, saveDataset, type AccountDatasetState, type StoredDatasetItem } from '../store/account-datasets-store.js';
import type { PendingRow } from '../store/pending-results-store.js';
import type { KindContext } from './context.js';
import type { DataRequest, KindModule } from './kinds/kind.js';
import { answerFromLean } from './lean-answer.js';
import { fresh, type Outcome } from './outcome.js';
import { isFresh, readThroughLoader } from './read-through.js';
import { bankDataDown, entityRefusal } from './refusals.js';

/**
 * What the kinds of SAMA's per-account datasets share (`kinds/beneficiaries.ts` …): one read of
 * the store per batch of accounts, the same gate, and one writer. Each item is split into what is
 * not personal (`details`, JSON), its headline amount (`numeric`) and what says who someone is
 * (`personal`, sealed).
 */

/** One item of a dataset as the schema reads it. */
export interface DatasetItemRow<D, P> {
  readonly details: D;
  readonly amount: Money | null;
  /** Opened; a PersonalDataUnreadable where it does not open; null when the item names nobody. */
  readonly personal: P | PersonalDataUnreadable | null;
}

/** A dataset of one account as read: offered or not, and when Lean said so. */
export interface DatasetRead<D, P> {
  readonly accountId: string;
  readonly offered: boolean;
  readonly items: readonly DatasetItemRow<D, P>[];
  readonly fetchedAt: Date;
}

/** How one dataset's model item is split for the store. */
export interface DatasetSplit<D, P> {
  readonly itemId: string | null;
  readonly amount: Money | null;
  /** JSON-safe: instants as ISO text, amounts as decimal text. */
  readonly details: D;
  readonly personal: P | null;
}

/** What `results.ready` remembers of a per-account dataset call. */
export function accountDatasetRequestOf(pending: PendingRow): { entityId: string; accountId: string } | undefined {
  return pending.account_id === null ? undefined : { entityId: pending.entity_id, accountId: pending.account_id };
}

/** The one writer of a dataset: Lean's answer (items, or not offered) replaces what the account had. */
export function writeDataset<I, D extends object, P extends object>(
  db: Kysely<Tables>,
  vault: PersonalDataVault,
  accountId: string,
  dataset: KsaDataset,
  answer: DatasetAnswer<I>,
  split: (item: I) => DatasetSplit<D, P>,
  fetchedAt: Date,
): Promise<boolean> {
  const records = answer.offered
    ? answer.items.map((item) => {
        const { itemId, amount, details, personal } = split(item);
        return { itemId, amount: amount?.amount ?? null, currency: amount?.currency ?? null, details, personal };
      })
    : undefined;
  return saveDataset(db, vault, accountId, dataset, records, fetchedAt);
}

/** The gateway's answer without Lean: a disconnected entity; a permission not granted (in the UAE, which offers none of these, not offered). */
function gateAnswer<D, P>(stored: AccountDatasetState, dataset: KsaDataset, now: Date): Outcome<DatasetRead<D, P>> | undefined {
  const ended = entityRefusal(stored);
  if (ended !== undefined) return ended;
  if (stored.permissions[dataset] === true) return undefined;
  if (regionOfBank(stored.bank_identifier) !== 'KSA') return fresh({ accountId: stored.account_id, offered: false, items: [], fetchedAt: now });
  return { kind: 'refused', code: 'PERMISSION_NOT_GRANTED', message: `The entity was not linked with the ${dataset} permission.` };
}

function readOf<D, P>(stored: AccountDatasetState): DatasetRead<D, P> | undefined {
  const { read } = stored;
  if (read === null) return undefined;
  return { accountId: stored.account_id, offered: read.offered, fetchedAt: read.fetchedAt, items: read.items.map((item) => itemRowOf<D, P>(item)) };
}

/** The store holds what `writeDataset` wrote: `details` and `personal` are read back as the split made them. */
function itemRowOf<D, P>(item: StoredDatasetItem): DatasetItemRow<D, P> {
  const { personal } = item;
  return {
    details: item.details as D,
    amount: item.amount === null || item.currency === null ? null : { amount: item.amount, currency: item.currency },
    personal: personal === null || personal instanceof PersonalDataUnreadable ? personal : (JSON.parse(personal) as P),
  };
}

/** The dataset of each account: from the store while fresh (for `windowMs`), else from Lean, one call per account. */
export function datasetByAccountLoader<K extends KsaDataset, D, P>(
  context: KindContext,
  kind: KindModule<K>,
  requestOf: (entityId: string, accountId: string) => DataRequest<K>,
  windowMs: number,
): DataLoader<string, Outcome<DatasetRead<D, P>> | undefined, string> {
  const { db, vault } = context;
  const read = (ids: readonly string[]) => datasetOfAccounts(db, vault, kind.kind, ids);
  return readThroughLoader<string, AccountDatasetState, DatasetRead<D, P>>(
    {
      kind: kind.kind,
      id: (accountId) => accountId,
      read,
      settle: (stored, _key, now) => {
        if (stored === undefined) return undefined;
        const gated = gateAnswer<D, P>(stored, kind.kind, now);
        if (gated !== undefined) return gated;
        const copy = readOf<D, P>(stored);
        return copy !== undefined && isFresh(copy.fetchedAt, windowMs, now) ? fresh(copy) : 'fetch';
      },
      fetch: (accountId, stored) =>
        answerFromLean(context, kind, requestOf(stored.entity_id, accountId), stored, async () => {
          const saved = (await read([accountId])).get(accountId);
          const copy = saved === undefined ? undefined : readOf<D, P>(saved);
          if (copy === undefined) throw new Error(`${kind.kind} vanished after it was saved`);
          return copy;
        }),
      staleCopy: (stored) => readOf<D, P>(stored),
      bankDown: bankDataDown,
    },
    context,
  );
}
