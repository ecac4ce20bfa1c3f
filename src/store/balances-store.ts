import { sql, type Kysely } from 'kysely';
import type { BalanceEntryJson, Tables } from '../db/tables.js';
import type { Balance, BalanceEntry } from '../model/balance.js';
import { lockLinkedAccount } from './entities-store.js';
import { accountsWithOwner, entityGateColumns, gateOf, type EntityGate } from './gates.js';
import { inTransaction } from './transaction-scope.js';

export interface AccountBalance extends EntityGate {
  readonly account_id: string;
  readonly balance: (Balance & { readonly fetchedAt: Date }) | null;
}

/** For each account: its entity's gate and the stored balance, if any; one statement. */
export async function balancesOfAccounts(db: Kysely<Tables>, accountIds: readonly string[]): Promise<Map<string, AccountBalance>> {
  const found = new Map<string, AccountBalance>();
  if (accountIds.length === 0) return found;
  const rows = await accountsWithOwner(db)
    .leftJoin('balances', 'balances.account_id', 'accounts.id')
    .select([
      ...entityGateColumns,
      'accounts.id as account_id',
      'balances.amount',
      'balances.currency',
      'balances.type as balance_type',
      'balances.breakdown',
      'balances.fetched_at',
    ])
    .where('accounts.id', 'in', accountIds)
    .execute();
  for (const row of rows) {
    found.set(row.account_id, {
      ...gateOf(row),
      account_id: row.account_id,
      balance:
        row.amount === null || row.currency === null || row.fetched_at === null
          ? null
          : { amount: row.amount, currency: row.currency, type: row.balance_type, breakdown: (row.breakdown ?? []).map(entryOfJson), fetchedAt: row.fetched_at },
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
      .values({
        account_id: accountId,
        amount: balance.amount,
        currency: balance.currency,
        type: balance.type,
        breakdown: JSON.stringify(balance.breakdown.map(jsonOfEntry)),
        fetched_at: fetchedAt,
      })
      .onConflict((oc) =>
        oc
          .column('account_id')
          .doUpdateSet((eb) => ({
            amount: eb.ref('excluded.amount'),
            currency: eb.ref('excluded.currency'),
            type: eb.ref('excluded.type'),
            breakdown: eb.ref('excluded.breakdown'),
            fetched_at: eb.ref('excluded.fetched_at'),
          }))
          .where(sql<boolean>`balances.fetched_at <= excluded.fetched_at`),
      )
      .execute();
    return true;
  });
}

/** A balance entry as stored in `balances.breakdown`: amounts stay decimal text (a JSON string, never a number). */
function jsonOfEntry(entry: BalanceEntry): BalanceEntryJson {
  return {
    type: entry.type,
    amount: entry.amount,
    currency: entry.currency,
    credit_debit: entry.creditDebit,
    date_time: entry.dateTime?.toISOString() ?? null,
    // A credit line is stored as the model has it: the same four fields.
    credit_lines: [...entry.creditLines],
  };
}

function entryOfJson(entry: BalanceEntryJson): BalanceEntry {
  return {
    type: entry.type,
    amount: entry.amount,
    currency: entry.currency,
    creditDebit: entry.credit_debit === 'CREDIT' || entry.credit_debit === 'DEBIT' ? entry.credit_debit : null,
    dateTime: entry.date_time === null ? null : new Date(entry.date_time),
    creditLines: entry.credit_lines,
  };
}
