import type DataLoader from 'dataloader';
import type { BankAvailability, CatalogueBank } from '../../model/bank.js';
import { bankAvailabilities } from '../../store/bank-availability-store.js';
import type { AccountType } from '../../model/consent-rules.js';
import { bankListsOf, saveBankList, type StoredBankList } from '../../store/bank-catalogue-store.js';
import type { KindContext } from '../context.js';
import { fresh, type Outcome } from '../outcome.js';
import { isFresh, readThroughLoader } from '../read-through.js';
import { batchLoader } from '../store-loader.js';

/**
 * Lean's bank catalogue: one list per account type, the same for every customer, served from the
 * store for CACHE_TTL_BANKS_SECONDS; concurrent reads of a stale list across requests make one call,
 * and a stored copy is served when Lean fails.
 */
export function bankListByAccountTypeLoader(context: KindContext): DataLoader<AccountType, Outcome<readonly CatalogueBank[]> | undefined, string> {
  const { db, cache, lean } = context;
  return readThroughLoader<AccountType, StoredBankList, readonly CatalogueBank[]>(
    {
      kind: 'banks',
      id: (accountType) => accountType,
      read: (accountTypes) => bankListsOf(db, accountTypes),
      settle: (stored, _key, now) => (stored !== undefined && isFresh(stored.fetchedAt, cache.banksMs, now) ? fresh(stored.banks) : 'fetch'),
      fetch: async (accountType) => {
        const fetchedAt = context.now();
        const banks = await lean.banks(accountType);
        await saveBankList(db, accountType, banks, fetchedAt);
        return fresh(banks);
      },
      staleCopy: (stored) => (stored.fetchedAt === null ? undefined : stored.banks),
    },
    context,
  );
}

/** A bank as the catalogue shows it across account types: the types it serves, available when any listing is. */
export interface BankListing {
  readonly bank: CatalogueBank;
  readonly accountTypes: readonly AccountType[];
  readonly dataAvailable: boolean;
  readonly paymentsAvailable: boolean;
}

/** The lists of every account type, one listing per bank, in Lean's order (personal banks first). */
export function mergeBankLists(lists: readonly (readonly CatalogueBank[])[]): BankListing[] {
  const byIdentifier = new Map<string, BankListing>();
  for (const bank of lists.flat()) {
    const seen = byIdentifier.get(bank.identifier);
    byIdentifier.set(
      bank.identifier,
      seen === undefined
        ? { bank, accountTypes: [bank.accountType], dataAvailable: bank.dataAvailable, paymentsAvailable: bank.paymentsAvailable }
        : {
            bank: seen.bank,
            accountTypes: seen.accountTypes.includes(bank.accountType) ? seen.accountTypes : [...seen.accountTypes, bank.accountType],
            dataAvailable: seen.dataAvailable || bank.dataAvailable,
            paymentsAvailable: seen.paymentsAvailable || bank.paymentsAvailable,
          },
    );
  }
  return [...byIdentifier.values()];
}

/** Lean's last word on each bank's availability (webhook or catalogue), from the store only. */
export function bankAvailabilityByIdentifierLoader({ db }: KindContext): DataLoader<string, BankAvailability | undefined> {
  return batchLoader((identifiers) => bankAvailabilities(db, identifiers), (row) => row.identifier);
}
