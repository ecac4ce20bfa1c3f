import { sql, type Kysely } from 'kysely';
import type { Tables } from '../db/tables.js';
import type { CatalogueBank } from '../model/bank.js';
import type { AccountType, Region } from '../model/consent-rules.js';
import { recordBankAvailability } from './bank-availability-store.js';
import { inTransaction } from './transaction-scope.js';

/** Lean's bank list for one account type as stored: when it was read (null: never), and its banks in Lean's order. */
export interface StoredBankList {
  readonly accountType: AccountType;
  readonly fetchedAt: Date | null;
  readonly banks: readonly CatalogueBank[];
}

/** The stored list of each account type, in one statement; a type never read answers an empty list fetched never. */
export async function bankListsOf(db: Kysely<Tables>, accountTypes: readonly AccountType[]): Promise<Map<string, StoredBankList>> {
  const lists = new Map<string, StoredBankList>(accountTypes.map((accountType) => [accountType, { accountType, fetchedAt: null, banks: [] }]));
  if (accountTypes.length === 0) return lists;
  const rows = await db
    .selectFrom('bank_catalogue_reads as reads')
    .leftJoin('bank_catalogue as bank', 'bank.account_type', 'reads.account_type')
    .select([
      'reads.account_type',
      'reads.fetched_at',
      'bank.identifier',
      'bank.name',
      'bank.logo',
      'bank.main_color',
      'bank.background_color',
      'bank.region',
      'bank.data_available',
      'bank.payments_available',
    ])
    .where('reads.account_type', 'in', accountTypes)
    .orderBy('reads.account_type')
    .orderBy('bank.position')
    .execute();
  const banks = new Map<string, CatalogueBank[]>();
  for (const row of rows) {
    const accountType = row.account_type as AccountType;
    const list = banks.get(accountType) ?? [];
    banks.set(accountType, list);
    lists.set(accountType, { accountType, fetchedAt: row.fetched_at, banks: list });
    if (row.identifier === null || row.name === null || row.region === null) continue;
    list.push({
      identifier: row.identifier,
      name: row.name,
      logo: row.logo,
      mainColor: row.main_color,
      backgroundColor: row.background_color,
      region: row.region as Region,
      accountType,
      dataAvailable: row.data_available === true,
      paymentsAvailable: row.payments_available === true,
    });
  }
  return lists;
}

/**
 * Replaces the stored list of one account type with Lean's answer, unless a later answer was stored
 * meanwhile; each bank's availability is recorded as of the read, unless a newer webhook said otherwise.
 */
export async function saveBankList(db: Kysely<Tables>, accountType: AccountType, banks: readonly CatalogueBank[], fetchedAt: Date): Promise<void> {
  await inTransaction(db, async (trx) => {
    const claimed = await trx
      .insertInto('bank_catalogue_reads')
      .values({ account_type: accountType, fetched_at: fetchedAt })
      .onConflict((oc) =>
        oc
          .column('account_type')
          .doUpdateSet({ fetched_at: fetchedAt })
          .where(sql<boolean>`bank_catalogue_reads.fetched_at <= excluded.fetched_at`),
      )
      .returning('account_type')
      .executeTakeFirst();
    if (claimed === undefined) return;
    await trx.deleteFrom('bank_catalogue').where('account_type', '=', accountType).execute();
    if (banks.length === 0) return;
    await recordBankAvailability(
      trx,
      banks.filter((bank) => bank.availabilityStated !== false).map((bank) => ({ identifier: bank.identifier, dataAvailable: bank.dataAvailable, paymentsAvailable: bank.paymentsAvailable, asOf: fetchedAt, source: 'catalogue' as const })),
    );
    await trx
      .insertInto('bank_catalogue')
      .values(
        banks.map((bank, position) => ({
          account_type: accountType,
          identifier: bank.identifier,
          position,
          name: bank.name,
          logo: bank.logo,
          main_color: bank.mainColor,
          background_color: bank.backgroundColor,
          region: bank.region,
          data_available: bank.dataAvailable,
          payments_available: bank.paymentsAvailable,
          fetched_at: fetchedAt,
        })),
      )
      // Lean listing a bank twice: the first one stands.
      .onConflict((oc) => oc.columns(['account_type', 'identifier']).doNothing())
      .execute();
  });
}
