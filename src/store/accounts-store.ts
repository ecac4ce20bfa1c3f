import { inTransaction } from './transaction-scope.js';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { PersonalDataVault, OpenedText } from '../crypto/personal-data.js';
import type { AccountsTable, IdentitiesTable, Tables } from '../db/tables.js';
import type { LeanAccount, LeanIdentity } from '../lean/wire.js';
import { lockLinkedAccount, lockLinkedEntity } from './entities-store.js';
import { entityGateColumns, gateOf, type EntityGate } from './gates.js';

/** An account as read: its IBAN opened (or why it could not be). */
export type AccountRow = Omit<Selectable<AccountsTable>, 'iban'> & { readonly iban: OpenedText | null; readonly customer_id: string; readonly app_user_id: string };

/** The AAD place of an account's sealed IBAN. */
const ibanPlace = (accountId: string) => ({ table: 'accounts', column: 'iban', row: accountId });


export interface EntityAccounts extends EntityGate {
  readonly accountsFetchedAt: Date | null;
  readonly accounts: AccountRow[];
}

/** For each entity: its gate, when its accounts were read from Lean and the accounts stored; one statement. */
export async function accountsOfEntities(db: Kysely<Tables>, vault: PersonalDataVault, entityIds: readonly string[]): Promise<Map<string, EntityAccounts>> {
  const found = new Map<string, EntityAccounts>();
  if (entityIds.length === 0) return found;
  const rows = await db
    .selectFrom('entities')
    .innerJoin('customers', 'customers.id', 'entities.customer_id')
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
    entry.accounts.push({
      id: row.id,
      entity_id: row.entity_id,
      position: row.position,
      name: row.name,
      type: row.type,
      currency: row.currency,
      iban: vault.openNullable(row.iban, ibanPlace(row.id)),
      fetched_at: row.fetched_at,
      customer_id: row.customer_id,
      app_user_id: row.app_user_id,
    });
  }
  return found;
}

export async function accountsByIds(db: Kysely<Tables>, vault: PersonalDataVault, ids: readonly string[]): Promise<AccountRow[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('accounts')
    .innerJoin('entities', 'entities.id', 'accounts.entity_id')
    .innerJoin('customers', 'customers.id', 'entities.customer_id')
    .selectAll('accounts')
    .select(['entities.customer_id', 'customers.app_user_id'])
    .where('accounts.id', 'in', ids)
    .execute();
  return rows.map((row) => ({ ...row, iban: vault.openNullable(row.iban, ibanPlace(row.id)) }));
}

/**
 * Lean's account list for an entity is the truth: upsert what it lists, delete what it no longer does.
 * False (nothing written) when the entity was disconnected meanwhile.
 */
export async function saveAccounts(db: Kysely<Tables>, vault: PersonalDataVault, entityId: string, accounts: readonly LeanAccount[], fetchedAt: Date): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    if (!(await lockLinkedEntity(trx, entityId))) return false;
    const values = accounts.map((account, position) => ({
      id: account.account_id,
      entity_id: entityId,
      position,
      name: account.name ?? null,
      type: account.type ?? null,
      currency: account.currency_code,
      iban: vault.sealNullable(account.iban, ibanPlace(account.account_id)),
      fetched_at: fetchedAt,
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

export interface AccountBalance extends EntityGate {
  readonly account_id: string;
  readonly balance: { readonly amount: string; readonly currency: string; readonly fetchedAt: Date } | null;
}

/** For each account: its entity's gate and the stored balance, if any; one statement. */
export async function balancesOfAccounts(db: Kysely<Tables>, accountIds: readonly string[]): Promise<Map<string, AccountBalance>> {
  const found = new Map<string, AccountBalance>();
  if (accountIds.length === 0) return found;
  const rows = await db
    .selectFrom('accounts')
    .innerJoin('entities', 'entities.id', 'accounts.entity_id')
    .innerJoin('customers', 'customers.id', 'entities.customer_id')
    .leftJoin('balances', 'balances.account_id', 'accounts.id')
    .select([...entityGateColumns, 'accounts.id as account_id', 'balances.amount', 'balances.currency', 'balances.fetched_at'])
    .where('accounts.id', 'in', accountIds)
    .execute();
  for (const row of rows) {
    found.set(row.account_id, {
      ...gateOf(row),
      account_id: row.account_id,
      balance:
        row.amount === null || row.currency === null || row.fetched_at === null
          ? null
          : { amount: row.amount, currency: row.currency, fetchedAt: row.fetched_at },
    });
  }
  return found;
}

/** False (nothing written) when the account or its entity's link is gone meanwhile. */
export async function saveBalance(db: Kysely<Tables>, balance: { accountId: string; amount: string; currency: string }, fetchedAt: Date): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    if (!(await lockLinkedAccount(trx, balance.accountId))) return false;
    await trx
      .insertInto('balances')
      .values({ account_id: balance.accountId, amount: balance.amount, currency: balance.currency, fetched_at: fetchedAt })
      .onConflict((oc) =>
        oc
          .column('account_id')
          .doUpdateSet((eb) => ({
            amount: eb.ref('excluded.amount'),
            currency: eb.ref('excluded.currency'),
            fetched_at: eb.ref('excluded.fetched_at'),
          }))
          .where(sql<boolean>`balances.fetched_at <= excluded.fetched_at`),
      )
      .execute();
    return true;
  });
}

/** The personal columns of `identities`: each sealed on its own, bound to its entity. */
export const IDENTITY_COLUMNS = ['full_name', 'mobile_number', 'gender', 'national_identity_number', 'birth_date', 'email_address', 'address'] as const;
type IdentityColumn = (typeof IDENTITY_COLUMNS)[number];

/** An identity as read: each field opened (or why it could not be). */
export type IdentityRow = Omit<Selectable<IdentitiesTable>, IdentityColumn> & { readonly [C in IdentityColumn]: OpenedText | null };

const identityPlace = (entityId: string, column: IdentityColumn) => ({ table: 'identities', column, row: entityId });

export interface EntityIdentity extends EntityGate {
  readonly identity: IdentityRow | null;
}

/** For each entity: its gate and the stored identity, if any; one statement. */
export async function identitiesOfEntities(db: Kysely<Tables>, vault: PersonalDataVault, entityIds: readonly string[]): Promise<Map<string, EntityIdentity>> {
  const found = new Map<string, EntityIdentity>();
  if (entityIds.length === 0) return found;
  const rows = await db
    .selectFrom('entities')
    .innerJoin('customers', 'customers.id', 'entities.customer_id')
    .leftJoin('identities', 'identities.entity_id', 'entities.id')
    .select([
      ...entityGateColumns,
      'identities.full_name',
      'identities.mobile_number',
      'identities.gender',
      'identities.national_identity_number',
      'identities.birth_date',
      'identities.email_address',
      'identities.address',
      'identities.fetched_at',
    ])
    .where('entities.id', 'in', entityIds)
    .execute();
  for (const row of rows) {
    const opened = (column: IdentityColumn) => vault.openNullable(row[column], identityPlace(row.entity_id, column));
    found.set(row.entity_id, {
      ...gateOf(row),
      identity:
        row.fetched_at === null
          ? null
          : {
              entity_id: row.entity_id,
              full_name: opened('full_name'),
              mobile_number: opened('mobile_number'),
              gender: opened('gender'),
              national_identity_number: opened('national_identity_number'),
              birth_date: opened('birth_date'),
              email_address: opened('email_address'),
              address: opened('address'),
              fetched_at: row.fetched_at,
            },
    });
  }
  return found;
}

/** False (nothing written) when the entity was disconnected meanwhile. */
export async function saveIdentity(db: Kysely<Tables>, vault: PersonalDataVault, entityId: string, identity: LeanIdentity, fetchedAt: Date): Promise<boolean> {
  const sealed = (column: IdentityColumn) => vault.sealNullable(identity[column], identityPlace(entityId, column));
  const values = {
    entity_id: entityId,
    full_name: sealed('full_name'),
    mobile_number: sealed('mobile_number'),
    gender: sealed('gender'),
    national_identity_number: sealed('national_identity_number'),
    birth_date: sealed('birth_date'),
    email_address: sealed('email_address'),
    address: sealed('address'),
    fetched_at: fetchedAt,
  };
  const { entity_id: _key, ...update } = values;
  return inTransaction(db, async (trx) => {
    if (!(await lockLinkedEntity(trx, entityId))) return false;
    await trx
      .insertInto('identities')
      .values(values)
      .onConflict((oc) => oc.column('entity_id').doUpdateSet(update).where(sql<boolean>`identities.fetched_at <= excluded.fetched_at`))
      .execute();
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
