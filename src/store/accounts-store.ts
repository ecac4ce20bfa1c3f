import { sql, type Kysely, type Selectable } from 'kysely';
import type { PersonalDataVault, OpenedText } from '../crypto/personal-data.js';
import type { AccountsTable, Tables } from '../db/tables.js';
import type { Account } from '../model/account.js';
import { lockLinkedEntity } from './entities-store.js';
import { accountsWithOwner, entitiesWithOwner, entityGateColumns, gateOf, type EntityGate } from './gates.js';
import { inTransaction } from './transaction-scope.js';

/** An account as read: its IBAN and holder name opened (or why they could not be). */
export type AccountRow = Omit<Selectable<AccountsTable>, SealedAccountColumn> & {
  readonly [column in SealedAccountColumn]: OpenedText | null;
} & { readonly customer_id: string; readonly app_user_id: string };

/** The personal columns of an account, each sealed and bound to the account id (its AAD place). */
type SealedAccountColumn = 'iban' | 'holder_name';
const accountPlace = (accountId: string, column: SealedAccountColumn) => ({ table: 'accounts', column, row: accountId });

/** An account row as stored, its personal columns opened. */
function openedAccount(vault: PersonalDataVault, row: Selectable<AccountsTable> & { customer_id: string; app_user_id: string }): AccountRow {
  return { ...row, iban: vault.openNullable(row.iban, accountPlace(row.id, 'iban')), holder_name: vault.openNullable(row.holder_name, accountPlace(row.id, 'holder_name')) };
}

export interface EntityAccounts extends EntityGate {
  readonly accountsFetchedAt: Date | null;
  readonly accounts: AccountRow[];
}

/** For each entity: its gate, when its accounts were read from Lean and the accounts stored; one statement. */
export async function accountsOfEntities(db: Kysely<Tables>, vault: PersonalDataVault, entityIds: readonly string[]): Promise<Map<string, EntityAccounts>> {
  const found = new Map<string, EntityAccounts>();
  if (entityIds.length === 0) return found;
  const rows = await entitiesWithOwner(db)
    .leftJoin('accounts', 'accounts.entity_id', 'entities.id')
    .select([
      ...entityGateColumns,
      'entities.accounts_fetched_at',
      'accounts.id',
      'accounts.position',
      'accounts.name',
      'accounts.type',
      'accounts.currency',
      'accounts.iban',
      'accounts.fetched_at',
      'accounts.holder_name',
      'accounts.sub_type',
      'accounts.status as account_status',
      'accounts.opening_date',
      'accounts.nickname',
    ])
    .where('entities.id', 'in', entityIds)
    .orderBy('accounts.position')
    .execute();
  for (const row of rows) {
    let entry = found.get(row.entity_id);
    if (entry === undefined) {
      entry = { ...gateOf(row), accountsFetchedAt: row.accounts_fetched_at, accounts: [] };
      found.set(row.entity_id, entry);
    }
    if (row.id === null || row.currency === null || row.position === null || row.fetched_at === null) continue;
    entry.accounts.push(
      openedAccount(vault, {
        id: row.id,
        entity_id: row.entity_id,
        position: row.position,
        name: row.name,
        type: row.type,
        currency: row.currency,
        iban: row.iban,
        fetched_at: row.fetched_at,
        holder_name: row.holder_name,
        sub_type: row.sub_type,
        status: row.account_status,
        opening_date: row.opening_date,
        nickname: row.nickname,
        customer_id: row.customer_id,
        app_user_id: row.app_user_id,
      }),
    );
  }
  return found;
}

export async function accountsByIds(db: Kysely<Tables>, vault: PersonalDataVault, ids: readonly string[]): Promise<AccountRow[]> {
  if (ids.length === 0) return [];
  const rows = await accountsWithOwner(db)
    .selectAll('accounts')
    .select(['entities.customer_id', 'customers.app_user_id'])
    .where('accounts.id', 'in', ids)
    .execute();
  return rows.map((row) => openedAccount(vault, row));
}

/** The ids of the entity's stored accounts. */
export async function accountIdsOfEntity(db: Kysely<Tables>, entityId: string): Promise<string[]> {
  return (await db.selectFrom('accounts').select('id').where('entity_id', '=', entityId).execute()).map((account) => account.id);
}

/**
 * Lean's account list for an entity is the truth: upsert what it lists, delete what it no longer does.
 * False (nothing written) when the entity was disconnected meanwhile.
 */
export async function saveAccounts(db: Kysely<Tables>, vault: PersonalDataVault, entityId: string, accounts: readonly Account[], fetchedAt: Date): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    if (!(await lockLinkedEntity(trx, entityId, 'update'))) return false;
    const values = accounts.map((account, position) => ({
      id: account.id,
      entity_id: entityId,
      position,
      name: account.name,
      type: account.type,
      currency: account.currency,
      iban: vault.sealNullable(account.iban, accountPlace(account.id, 'iban')),
      fetched_at: fetchedAt,
      holder_name: vault.sealNullable(account.holderName, accountPlace(account.id, 'holder_name')),
      sub_type: account.subType,
      status: account.status,
      opening_date: account.openingDate,
      nickname: account.nickname,
    }));
    if (values.length > 0) {
      await trx
        .insertInto('accounts')
        .values(values)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            position: eb.ref('excluded.position'),
            name: eb.ref('excluded.name'),
            type: eb.ref('excluded.type'),
            currency: eb.ref('excluded.currency'),
            iban: eb.ref('excluded.iban'),
            fetched_at: eb.ref('excluded.fetched_at'),
            holder_name: eb.ref('excluded.holder_name'),
            sub_type: eb.ref('excluded.sub_type'),
            status: eb.ref('excluded.status'),
            opening_date: eb.ref('excluded.opening_date'),
            nickname: eb.ref('excluded.nickname'),
          }))
          // An answer older than the stored one (a slower call) does not overwrite it.
          .where(sql<boolean>`accounts.fetched_at <= excluded.fetched_at`),
        )
        .execute();
    }
    await trx
      .deleteFrom('accounts')
      .where('entity_id', '=', entityId)
      .where('fetched_at', '<', fetchedAt)
      .$if(values.length > 0, (q) => q.where('id', 'not in', values.map((v) => v.id)))
      .execute();
    await trx.updateTable('entities').set({ accounts_fetched_at: fetchedAt }).where('id', '=', entityId).execute();
    return true;
  });
}

/**
 * The next read of the account's balance asks Lean again, and so does every range of its
 * transactions (with `recentOnly`, only the ranges that were going to expire anyway).
 */
export async function expireAccountData(db: Kysely<Tables>, accountId: string, options: { recentOnly?: boolean } = {}): Promise<void> {
  await db.updateTable('balances').set({ fetched_at: new Date(0) }).where('account_id', '=', accountId).execute();
  await db
    .updateTable('transaction_ranges')
    .set({ expires_at: new Date(0) })
    .where('account_id', '=', accountId)
    .$if(options.recentOnly === true, (q) => q.where('expires_at', 'is not', null))
    .execute();
}
