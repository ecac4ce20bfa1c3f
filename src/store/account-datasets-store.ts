import { sql, type Kysely } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { OpenedText, PersonalDataVault, SealedPlace } from '../crypto/personal-data.js';
import type { Tables } from '../db/tables.js';
import { lockLinkedAccount } from './entities-store.js';
import { accountsWithOwner, entityGateColumns, gateOf, type EntityGate } from './gates.js';
import { inTransaction } from './transaction-scope.js';

/** One item of a SAMA dataset as written: its headline amount apart, what is not personal, and what is (sealed here). */
export interface DatasetItemRecord {
  readonly itemId: string | null;
  readonly amount: string | null;
  readonly currency: string | null;
  readonly details: object;
  readonly personal: object | null;
}

/** One item as read: `personal` is the opened JSON text (or why it did not open). */
export interface StoredDatasetItem {
  readonly itemId: string | null;
  readonly amount: string | null;
  readonly currency: string | null;
  readonly details: Record<string, unknown>;
  readonly personal: OpenedText | null;
}

export interface StoredDatasetRead {
  readonly offered: boolean;
  readonly fetchedAt: Date;
  readonly items: readonly StoredDatasetItem[];
}

/** An account's gate, its bank, and what the store holds of one dataset of it. */
export interface AccountDatasetState extends EntityGate {
  readonly account_id: string;
  readonly bank_identifier: string;
  readonly read: StoredDatasetRead | null;
}

const itemPlace = (accountId: string, dataset: string, position: number): SealedPlace => ({ table: 'account_dataset_items', column: 'personal', row: `${accountId}/${dataset}/${position}` });

/** For each account: its entity's gate and bank, and the stored read of `dataset` with its items; one statement. */
export async function datasetOfAccounts(db: Kysely<Tables>, vault: PersonalDataVault, dataset: string, accountIds: readonly string[]): Promise<Map<string, AccountDatasetState>> {
  const found = new Map<string, AccountDatasetState>();
  if (accountIds.length === 0) return found;
  const rows = await accountsWithOwner(db)
    .leftJoin('account_dataset_reads as reads', (join) => join.onRef('reads.account_id', '=', 'accounts.id').on('reads.dataset', '=', dataset))
    .select((eb) => [
      ...entityGateColumns,
      'accounts.id as account_id',
      'entities.bank_identifier',
      'reads.offered',
      'reads.fetched_at',
      jsonArrayFrom(
        eb
          .selectFrom('account_dataset_items as items')
          .select([
            'items.position',
            'items.item_id',
            // Through JSON as text: a numeric would become a double.
            sql<string | null>`items.amount::text`.as('amount'),
            'items.currency',
            'items.details',
            'items.personal',
          ])
          .whereRef('items.account_id', '=', 'accounts.id')
          .where('items.dataset', '=', dataset)
          .orderBy('items.position'),
      ).as('items'),
    ])
    .where('accounts.id', 'in', accountIds)
    .execute();
  for (const row of rows) {
    const read: StoredDatasetRead | null =
      row.offered === null || row.fetched_at === null
        ? null
        : {
            offered: row.offered,
            fetchedAt: row.fetched_at,
            items: row.items.map((item) => ({
              itemId: item.item_id,
              amount: item.amount,
              currency: item.currency,
              details: item.details,
              personal: vault.openNullable(item.personal, itemPlace(row.account_id, dataset, item.position)),
            })),
          };
    found.set(row.account_id, { ...gateOf(row), account_id: row.account_id, bank_identifier: row.bank_identifier, read });
  }
  return found;
}

/**
 * Replaces the stored read of `dataset` for the account (unless a newer one is stored); `items`
 * undefined: the bank does not offer it. False (nothing written) when the account's link is gone.
 */
export async function saveDataset(
  db: Kysely<Tables>,
  vault: PersonalDataVault,
  accountId: string,
  dataset: string,
  items: readonly DatasetItemRecord[] | undefined,
  fetchedAt: Date,
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    if (!(await lockLinkedAccount(trx, accountId))) return false;
    const written = await trx
      .insertInto('account_dataset_reads')
      .values({ account_id: accountId, dataset, offered: items !== undefined, fetched_at: fetchedAt })
      .onConflict((oc) =>
        oc
          .columns(['account_id', 'dataset'])
          .doUpdateSet((eb) => ({ offered: eb.ref('excluded.offered'), fetched_at: eb.ref('excluded.fetched_at') }))
          .where(sql<boolean>`account_dataset_reads.fetched_at <= excluded.fetched_at`),
      )
      .returning('account_id')
      .executeTakeFirst();
    // A newer answer is stored already: it stands.
    if (written === undefined) return true;
    await trx.deleteFrom('account_dataset_items').where('account_id', '=', accountId).where('dataset', '=', dataset).execute();
    if (items !== undefined && items.length > 0) {
      await trx
        .insertInto('account_dataset_items')
        .values(
          items.map((item, position) => ({
            account_id: accountId,
            dataset,
            position,
            item_id: item.itemId,
            amount: item.amount,
            currency: item.currency,
            details: JSON.stringify(item.details),
            personal: item.personal === null ? null : vault.seal(JSON.stringify(item.personal), itemPlace(accountId, dataset, position)),
          })),
        )
        .execute();
    }
    return true;
  });
}

/** Lean read the bank again: the next read of any dataset of these accounts asks Lean (the copies stay, for stale-if-error). */
export async function expireDatasets(db: Kysely<Tables>, accountIds: readonly string[]): Promise<void> {
  if (accountIds.length === 0) return;
  await db.updateTable('account_dataset_reads').set({ fetched_at: new Date(0) }).where('account_id', 'in', accountIds).execute();
}
