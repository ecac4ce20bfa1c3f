import { sql, type Kysely, type Selectable } from 'kysely';
import type { PersonalDataUnreadable, PersonalDataVault } from '../crypto/personal-data.js';
import type { CurrencyExchangeJson, Tables, TransactionRangesTable, TransactionsTable } from '../db/tables.js';
import { normalizeCategory } from '../model/categories.js';
import type { Counterparty, Transaction, TransactionDetails } from '../model/transaction.js';
import { lockLinkedAccount } from './entities-store.js';
import { accountsWithOwner, entityGateColumns, gateOf, type AccountGate } from './gates.js';
import { inTransaction } from './transaction-scope.js';

/** A transaction as read; `counterparty` is still sealed (see `openCounterparty`). */
export type TransactionRow = Selectable<TransactionsTable>;

/**
 * Every column of a transaction row, in one list: the page query (the hot one) and the reads by key
 * select these and nothing else.
 */
const TRANSACTION_COLUMNS = [
  'transactions.account_id',
  'transactions.transaction_id',
  'transactions.timestamp',
  'transactions.description',
  'transactions.amount',
  'transactions.currency',
  'transactions.pending',
  'transactions.description_cleansed',
  'transactions.category',
  'transactions.category_code',
  'transactions.category_confidence',
  'transactions.type',
  'transactions.type_confidence',
  'transactions.fetched_at',
  'transactions.booking_status',
  'transactions.value_date',
  'transactions.reference',
  'transactions.merchant_name',
  'transactions.merchant_category_code',
  'transactions.transaction_type',
  'transactions.sub_transaction_type',
  'transactions.counterparty',
  'transactions.currency_exchange',
  'transactions.charges',
] as const satisfies readonly `transactions.${keyof TransactionsTable}`[];

/** `transactions.counterparty` once opened: JSON text of the other side's name, account and bank. */
interface CounterpartyJson {
  name: string | null;
  scheme_name: string | null;
  identification: string | null;
  bank: string | null;
}

/** The AAD place of a transaction's sealed counterparty: the row is the account and Lean's transaction id. */
const counterpartyPlace = (accountId: string, transactionId: string) => ({ table: 'transactions', column: 'counterparty', row: `${accountId}/${transactionId}` });

/**
 * The other side of a transaction, opened (or why it could not be); null when none is stored. Opened
 * when asked for, not with the page: most pages never show it.
 */
export function openCounterparty(vault: PersonalDataVault, row: Pick<TransactionRow, 'account_id' | 'transaction_id' | 'counterparty'>): Counterparty | PersonalDataUnreadable | null {
  const opened = vault.openNullable(row.counterparty, counterpartyPlace(row.account_id, row.transaction_id));
  if (typeof opened !== 'string') return opened;
  const json = JSON.parse(opened) as CounterpartyJson;
  return { name: json.name, schemeName: json.scheme_name, identification: json.identification, bank: json.bank };
}

/** What v2 adds to a transaction, as its columns hold it (the counterparty sealed); all null from v1. */
function detailColumns(vault: PersonalDataVault, accountId: string, transactionId: string, details: TransactionDetails | null) {
  const counterparty = details?.counterparty ?? null;
  const exchange = details?.currencyExchange ?? null;
  const charges = details?.charges ?? null;
  return {
    booking_status: details?.bookingStatus ?? null,
    value_date: details?.valueDate ?? null,
    reference: details?.reference ?? null,
    merchant_name: details?.merchant?.name ?? null,
    merchant_category_code: details?.merchant?.categoryCode ?? null,
    transaction_type: details?.transactionType ?? null,
    sub_transaction_type: details?.subTransactionType ?? null,
    counterparty:
      counterparty === null
        ? null
        : vault.seal(
            JSON.stringify({ name: counterparty.name, scheme_name: counterparty.schemeName, identification: counterparty.identification, bank: counterparty.bank } satisfies CounterpartyJson),
            counterpartyPlace(accountId, transactionId),
          ),
    // Amounts and the rate stay decimal text: JSON strings, never numbers.
    currency_exchange:
      exchange === null
        ? null
        : JSON.stringify({
            source_currency: exchange.sourceCurrency,
            target_currency: exchange.targetCurrency,
            unit_currency: exchange.unitCurrency,
            exchange_rate: exchange.exchangeRate,
            contract_identification: exchange.contractIdentification,
            quotation_date: exchange.quotationDate?.toISOString() ?? null,
            instructed_amount: exchange.instructedAmount === null ? null : { amount: exchange.instructedAmount.amount, currency: exchange.instructedAmount.currency },
          } satisfies CurrencyExchangeJson),
    charges: charges === null ? null : JSON.stringify({ amount: charges.amount, currency: charges.currency, included: charges.included }),
  };
}

export type RangeRow = Pick<Selectable<TransactionRangesTable>, 'start_date' | 'end_date' | 'fetched_at' | 'expires_at'>;

export interface AccountRanges extends AccountGate {
  readonly ranges: RangeRow[];
}

/** For each account: its entity's gate and the date ranges of transactions already fetched; one statement. */
export async function rangesOfAccounts(db: Kysely<Tables>, accountIds: readonly string[]): Promise<Map<string, AccountRanges>> {
  const found = new Map<string, AccountRanges>();
  if (accountIds.length === 0) return found;
  const rows = await accountsWithOwner(db)
    .leftJoin('transaction_ranges', 'transaction_ranges.account_id', 'accounts.id')
    .select([
      'accounts.id as account_id',
      ...entityGateColumns,
      'transaction_ranges.start_date',
      'transaction_ranges.end_date',
      'transaction_ranges.fetched_at',
      'transaction_ranges.expires_at',
    ])
    .where('accounts.id', 'in', accountIds)
    .orderBy('transaction_ranges.start_date')
    .execute();
  for (const row of rows) {
    let entry = found.get(row.account_id);
    if (entry === undefined) {
      entry = { ...gateOf(row), account_id: row.account_id, ranges: [] };
      found.set(row.account_id, entry);
    }
    if (row.start_date === null || row.end_date === null || row.fetched_at === null) continue;
    entry.ranges.push({ start_date: row.start_date, end_date: row.end_date, fetched_at: row.fetched_at, expires_at: row.expires_at });
  }
  return found;
}

export interface FetchedRange {
  readonly accountId: string;
  /** `YYYY-MM-DD`, inclusive, UTC days: what Lean was asked for. */
  readonly startDate: string;
  readonly endDate: string;
  /** The last day of the range that is settled (wholly past, nothing pending); its part up to here never expires. */
  readonly settledThrough: string | null;
  readonly fetchedAt: Date;
  /** When the part after `settledThrough` must be fetched again. */
  readonly recentExpiresAt: Date;
}

const INSERT_CHUNK = 1_000;

/**
 * Lean's answer for [startDate, endDate] is the truth for those days: its transactions are upserted
 * (the category normalised, Lean's text kept beside it), stored ones of those days it no longer lists
 * (a pending one that was booked under a new id) are deleted, and the range is recorded as fetched —
 * the settled days for good, the recent ones until they expire. Expired records wholly inside the
 * range are dropped. False (nothing written) when the account's link is gone meanwhile.
 */
export async function saveTransactionRange(db: Kysely<Tables>, vault: PersonalDataVault, range: FetchedRange, transactions: readonly Transaction[]): Promise<boolean> {
  const from = new Date(`${range.startDate}T00:00:00Z`);
  const until = new Date(new Date(`${range.endDate}T00:00:00Z`).getTime() + 86_400_000);
  // One row per transaction id, even if an answer lists one twice (the last listing wins).
  const unique = [...new Map(transactions.map((t) => [t.id, t])).values()];
  return inTransaction(db, async (trx) => {
    if (!(await lockLinkedAccount(trx, range.accountId))) return false;
    const values = unique.map((t) => ({
      account_id: range.accountId,
      transaction_id: t.id,
      timestamp: t.timestamp,
      description: t.description,
      amount: t.amount,
      currency: t.currency,
      pending: t.pending,
      description_cleansed: t.insights?.descriptionCleansed ?? null,
      category: t.insights === null ? null : normalizeCategory(t.insights.category),
      category_code: t.insights?.category ?? null,
      category_confidence: t.insights?.categoryConfidence ?? null,
      type: t.insights?.type ?? null,
      type_confidence: t.insights?.typeConfidence ?? null,
      fetched_at: range.fetchedAt,
      ...detailColumns(vault, range.accountId, t.id, t.details),
    }));
    for (let index = 0; index < values.length; index += INSERT_CHUNK) {
      await trx
        .insertInto('transactions')
        .values(values.slice(index, index + INSERT_CHUNK))
        .onConflict((oc) =>
          oc.columns(['account_id', 'transaction_id']).doUpdateSet((eb) => ({
            timestamp: eb.ref('excluded.timestamp'),
            description: eb.ref('excluded.description'),
            amount: eb.ref('excluded.amount'),
            currency: eb.ref('excluded.currency'),
            pending: eb.ref('excluded.pending'),
            description_cleansed: eb.ref('excluded.description_cleansed'),
            category: eb.ref('excluded.category'),
            category_code: eb.ref('excluded.category_code'),
            category_confidence: eb.ref('excluded.category_confidence'),
            type: eb.ref('excluded.type'),
            type_confidence: eb.ref('excluded.type_confidence'),
            fetched_at: eb.ref('excluded.fetched_at'),
            booking_status: eb.ref('excluded.booking_status'),
            value_date: eb.ref('excluded.value_date'),
            reference: eb.ref('excluded.reference'),
            merchant_name: eb.ref('excluded.merchant_name'),
            merchant_category_code: eb.ref('excluded.merchant_category_code'),
            transaction_type: eb.ref('excluded.transaction_type'),
            sub_transaction_type: eb.ref('excluded.sub_transaction_type'),
            counterparty: eb.ref('excluded.counterparty'),
            currency_exchange: eb.ref('excluded.currency_exchange'),
            charges: eb.ref('excluded.charges'),
          }))
          // A slower, older answer does not overwrite what a newer one stored.
          .where(sql<boolean>`transactions.fetched_at <= excluded.fetched_at`),
        )
        .execute();
    }
    // Rows of these days that this answer no longer lists, and no newer answer stored, are gone.
    await trx
      .deleteFrom('transactions')
      .where('account_id', '=', range.accountId)
      .where('timestamp', '>=', from)
      .where('timestamp', '<', until)
      .where('fetched_at', '<', range.fetchedAt)
      .execute();
    await trx
      .deleteFrom('transaction_ranges')
      .where('account_id', '=', range.accountId)
      .where('expires_at', '<=', range.fetchedAt)
      .where('start_date', '>=', range.startDate)
      .where('end_date', '<=', range.endDate)
      .execute();
    const records: { account_id: string; start_date: string; end_date: string; fetched_at: Date; expires_at: Date | null }[] = [];
    const settled = range.settledThrough !== null && range.settledThrough >= range.startDate ? minDay(range.settledThrough, range.endDate) : null;
    if (settled !== null) records.push({ account_id: range.accountId, start_date: range.startDate, end_date: settled, fetched_at: range.fetchedAt, expires_at: null });
    if (settled === null || settled < range.endDate) {
      records.push({
        account_id: range.accountId,
        start_date: settled === null ? range.startDate : nextDay(settled),
        end_date: range.endDate,
        fetched_at: range.fetchedAt,
        expires_at: range.recentExpiresAt,
      });
    }
    await trx.insertInto('transaction_ranges').values(records).execute();
    return true;
  });
}

export interface TransactionFilter {
  readonly accountId: string;
  readonly startDate: string;
  readonly endDate: string;
  /** Stored categories to keep; undefined keeps all. */
  readonly categories: readonly string[] | undefined;
  readonly direction: 'CREDIT' | 'DEBIT' | undefined;
}

export interface TransactionCursor {
  readonly timestamp: Date;
  readonly transactionId: string;
}

/** Which page: after or before a cursor, how many rows (one more than shown), and oldest-first when inverted. */
export interface TransactionPage {
  readonly after: TransactionCursor | undefined;
  readonly before: TransactionCursor | undefined;
  readonly limit: number;
  readonly inverted: boolean;
}

/**
 * One page of an account's transactions, newest first, keyed by (timestamp, transaction_id) so that
 * pages stay stable while rows arrive; served by the `transactions_page` index.
 */
export function transactionsPage(
  db: Kysely<Tables>,
  filter: TransactionFilter,
  page: TransactionPage,
): Promise<TransactionRow[]> {
  return pageQuery(db, filter, page).execute();
}

/**
 * Several pages (of one account each, or of several) in one statement: each page's query as above,
 * joined with `union all`; answers the pages in the order asked. A customer overview reads the
 * first page of each of its accounts in one round trip instead of one per account.
 */
export async function transactionsPages(
  db: Kysely<Tables>,
  requests: readonly { readonly filter: TransactionFilter; readonly page: TransactionPage }[],
): Promise<TransactionRow[][]> {
  if (requests.length <= 1) return Promise.all(requests.map(({ filter, page }) => transactionsPage(db, filter, page)));
  // Each part numbers its rows in its own order (the order the page's index scan yields), so the
  // pages come back in that order whatever order `union all` puts its parts in.
  const parts = requests.map(({ filter, page }, index) => {
    const order = sql.raw(page.inverted ? 'asc' : 'desc');
    return sql`(${pageQuery(db, filter, page).select([
      sql<number>`${index}::int`.as('page_index'),
      sql<number>`row_number() over (order by "timestamp" ${order}, transaction_id ${order})`.as('page_row'),
    ])})`;
  });
  const { rows } = await sql<TransactionRow & { page_index: number; page_row: number }>`select * from (${sql.join(parts, sql` union all `)}) as pages order by page_index, page_row`.execute(db);
  const pages: TransactionRow[][] = requests.map(() => []);
  for (const { page_index: index, page_row: _row, ...row } of rows) pages[index]?.push(row);
  return pages;
}

function pageQuery(db: Kysely<Tables>, filter: TransactionFilter, page: TransactionPage) {
  const from = new Date(`${filter.startDate}T00:00:00Z`);
  const until = new Date(new Date(`${filter.endDate}T00:00:00Z`).getTime() + 86_400_000);
  const order = page.inverted ? 'asc' : 'desc';
  let query = db
    .selectFrom('transactions')
    .select(TRANSACTION_COLUMNS)
    .where('account_id', '=', filter.accountId)
    .where('timestamp', '>=', from)
    .where('timestamp', '<', until);
  if (filter.categories !== undefined) query = query.where('category', 'in', filter.categories.length > 0 ? filter.categories : ['']);
  if (filter.direction === 'CREDIT') query = query.where('amount', '>=', '0');
  if (filter.direction === 'DEBIT') query = query.where('amount', '<', '0');
  if (page.after !== undefined) query = query.where(sql<boolean>`("timestamp", transaction_id) < (${page.after.timestamp}, ${page.after.transactionId})`);
  if (page.before !== undefined) query = query.where(sql<boolean>`("timestamp", transaction_id) > (${page.before.timestamp}, ${page.before.transactionId})`);
  return query.orderBy('timestamp', order).orderBy('transaction_id', order).limit(page.limit);
}

export async function transactionsByKeys(
  db: Kysely<Tables>,
  keys: readonly { accountId: string; transactionId: string }[],
): Promise<(TransactionRow & { customer_id: string; app_user_id: string })[]> {
  if (keys.length === 0) return [];
  return db
    .selectFrom('transactions')
    .innerJoin('accounts', 'accounts.id', 'transactions.account_id')
    .innerJoin('entities', 'entities.id', 'accounts.entity_id')
    .innerJoin('customers', 'customers.id', 'entities.customer_id')
    .select([...TRANSACTION_COLUMNS, 'entities.customer_id', 'customers.app_user_id'])
    .where((eb) => eb.or(keys.map((k) => eb.and([eb('transactions.account_id', '=', k.accountId), eb('transactions.transaction_id', '=', k.transactionId)]))))
    .execute();
}

function minDay(a: string, b: string): string {
  return a < b ? a : b;
}

function nextDay(day: string): string {
  return new Date(new Date(`${day}T00:00:00Z`).getTime() + 86_400_000).toISOString().slice(0, 10);
}
