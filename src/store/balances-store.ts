import { sql, type Kysely } from 'kysely';
import type { Tables } from '../db/tables.js';
import type { Balance } from '../model/balance.js';
import { lockLinkedAccount } from './entities-store.js';
import { accountsWithOwner, entityGateColumns, gateOf, type EntityGate } from './gates.js';
import { inTransaction } from './transaction-scope.js';

export interface AccountBalance extends EntityGate {
  readonly account_id: string;
  readonly balance: { readonly amount: string; readonly currency: string; readonly fetchedAt: Date } | null;
}

/** For each account: its entity's gate and the stored balance, if any; one statement. */
export async function balancesOfAccounts(db: Kysely<Tables>, accountIds: readonly string[]): Promise<Map<string, AccountBalance>> {
  const found = new Map<string, AccountBalance>();
  if (accountIds.length === 0) return found;
  const rows = await accountsWithOwner(db)
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
export async function saveBalance(db: Kysely<Tables>, accountId: string, balance: Balance, fetchedAt: Date): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    if (!(await lockLinkedAccount(trx, accountId))) return false;
    await trx
      .insertInto('balances')
      .values({ account_id: accountId, amount: balance.amount, currency: balance.currency, fetched_at: fetchedAt })
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
