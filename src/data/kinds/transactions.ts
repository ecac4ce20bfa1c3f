import DataLoader from 'dataloader';
import type { Transaction } from '../../model/transaction.js';
import { tracedBatch } from '../../observability/tracing.js';
import {
  rangesOfAccounts,
  saveTransactionRange,
  transactionsByKeys,
  transactionsPages,
  type AccountRanges,
  type FetchedRange,
  type TransactionFilter,
  type TransactionPage,
  type TransactionRow,
} from '../../store/transactions-store.js';
import type { KindContext } from '../context.js';
import { addDays, dayOf, uncoveredParts, type DayRange } from '../day-ranges.js';
import { answerFromLean } from '../lean-answer.js';
import { fresh, type Outcome } from '../outcome.js';
import { readThroughLoader } from '../read-through.js';
import { bankDataDown, refusal } from '../refusals.js';
import { batchLoader } from '../store-loader.js';
import type { DataRequest, KindModule } from './kind.js';

/** An account's transactions asked for: days (`YYYY-MM-DD`, inclusive, UTC) and filters. */
export type TransactionsQuery = TransactionFilter;

/** How many days an account's transactions are read for when no first day is given. */
export const DEFAULT_TRANSACTIONS_DAYS = 30;

/**
 * The days a read of an account's transactions covers: `to` (default: today, UTC) and `from`
 * (default: the DEFAULT_TRANSACTIONS_DAYS ending at `to`). The one definition of the default window,
 * for the schema's `transactions` and for what a data refresh reads ahead.
 */
export function transactionsWindow(from: string | undefined, to: string | undefined, now: Date): { readonly startDate: string; readonly endDate: string } {
  const endDate = to ?? dayOf(now);
  return { startDate: from ?? addDays(endDate, -(DEFAULT_TRANSACTIONS_DAYS - 1)), endDate };
}

/**
 * Transactions: one row per transaction, with the day ranges fetched per account. Days before the
 * fetch that hold nothing pending are settled for good; the rest expire after
 * CACHE_TTL_RECENT_TRANSACTIONS. A new range asks Lean only for the days not covered.
 */
export const transactionsKind: KindModule<'transactions'> = {
  kind: 'transactions',
  ask: (lean, { entityId, accountId, startDate, endDate }) => lean.transactions(entityId, accountId, { startDate, endDate, insights: true }),
  requestOf: (pending) =>
    pending.account_id === null || pending.start_date === null || pending.end_date === null
      ? undefined
      : { entityId: pending.entity_id, accountId: pending.account_id, startDate: pending.start_date, endDate: pending.end_date },
  write: (db, { vault, cache }, request, transactions, fetchedAt) =>
    saveTransactionRange(db, vault, fetchedRange(request, transactions, fetchedAt, cache.recentTransactionsMs), transactions),
};

/**
 * What Lean's answer for the days covers: settled are the days before the day of the fetch and before
 * the oldest transaction still pending (it may be booked later under a new id); the rest expires
 * after `recentWindowMs`.
 */
function fetchedRange(request: DataRequest<'transactions'>, transactions: readonly Transaction[], fetchedAt: Date, recentWindowMs: number): FetchedRange {
  const oldestUnsettled = [dayOf(fetchedAt), ...transactions.filter((t) => t.pending).map((t) => dayOf(t.timestamp))].sort()[0] ?? dayOf(fetchedAt);
  return {
    accountId: request.accountId,
    startDate: request.startDate,
    endDate: request.endDate,
    settledThrough: addDays(oldestUnsettled, -1),
    fetchedAt,
    recentExpiresAt: new Date(fetchedAt.getTime() + recentWindowMs),
  };
}

/** Lean's banks are at UTC+03:00 and UTC+04:00: their day may already be tomorrow in UTC. */
const BANK_DAY_LEAD_MS = 4 * 60 * 60_000;

/** The latest calendar day any of Lean's banks is in now. */
function latestBankDay(now: Date): string {
  return dayOf(new Date(now.getTime() + BANK_DAY_LEAD_MS));
}

/**
 * Days of the query not covered by a fetch that still holds (or by any fetch, with `expiredToo`);
 * days after today are not asked for.
 */
function missingDays(stored: AccountRanges, query: TransactionsQuery, now: Date, expiredToo = false): DayRange[] {
  const today = latestBankDay(now);
  const end = query.endDate < today ? query.endDate : today;
  if (query.startDate > end) return [];
  const holding = stored.ranges
    .filter((range) => expiredToo || range.expires_at === null || range.expires_at.getTime() > now.getTime())
    .map((range) => ({ start: range.start_date, end: range.end_date }));
  return uncoveredParts({ start: query.startDate, end }, holding);
}

const coverageId = (query: TransactionsQuery) => `${query.accountId}|${query.startDate}|${query.endDate}`;

/**
 * Whether the store holds every day of each query (`ok` with null), after asking Lean for the days it
 * does not — each missing part once across concurrent requests.
 */
export function transactionsCoverageLoader(context: KindContext): DataLoader<TransactionsQuery, Outcome<null> | undefined, string> {
  const { db, inFlight } = context;
  const fetchGap = (stored: AccountRanges, gap: DayRange) =>
    answerFromLean(context, transactionsKind, { entityId: stored.entity_id, accountId: stored.account_id, startDate: gap.start, endDate: gap.end }, stored, () =>
      Promise.resolve(null),
    );
  return readThroughLoader<TransactionsQuery, AccountRanges, null>(
    {
      kind: 'transactions',
      id: coverageId,
      read: async (queries) => {
        const byAccount = await rangesOfAccounts(db, [...new Set(queries.map((q) => q.accountId))]);
        return new Map(
          queries.flatMap((query) => {
            const stored = byAccount.get(query.accountId);
            return stored === undefined ? [] : [[coverageId(query), stored] as const];
          }),
        );
      },
      settle: (stored, query, now) => {
        if (stored === undefined) return undefined;
        const refused = refusal(stored, 'transactions');
        if (refused !== undefined) return refused;
        return missingDays(stored, query, now).length === 0 ? fresh(null) : 'fetch';
      },
      fetch: async (query, stored) => {
        const gaps = missingDays(stored, query, context.now());
        const outcomes = await Promise.all(gaps.map((gap) => inFlight.run(`transactions-gap:${query.accountId}|${gap.start}|${gap.end}`, () => fetchGap(stored, gap))));
        return outcomes.find((outcome) => outcome.kind !== 'ok') ?? fresh(null);
      },
      // Every day asked for was fetched before, perhaps long ago: serve what the store has.
      staleCopy: (stored, query) => (missingDays(stored, query, context.now(), true).length === 0 ? null : undefined),
      bankDown: bankDataDown,
    },
    context,
  );
}

/** Pages asked for in the same tick (one per account of an overview) are read in one statement; never cached. */
export function transactionPagesLoader({ db }: KindContext): DataLoader<{ readonly filter: TransactionFilter; readonly page: TransactionPage }, TransactionRow[]> {
  return new DataLoader(tracedBatch('store', (requests) => transactionsPages(db, requests)), { cache: false });
}

/** One transaction by account and Lean id, with whose it is, from the store only. */
export function transactionByKeyLoader({ db }: KindContext): DataLoader<string, (TransactionRow & { customer_id: string; app_user_id: string }) | undefined> {
  return batchLoader(
    (keys) => transactionsByKeys(db, keys.map((key) => parseTransactionKey(key))),
    (row) => transactionKey(row.account_id, row.transaction_id),
  );
}

export function transactionKey(accountId: string, transactionId: string): string {
  return JSON.stringify([accountId, transactionId]);
}

export function parseTransactionKey(key: string): { accountId: string; transactionId: string } {
  const parsed: unknown = JSON.parse(key);
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string') {
    throw new Error('not a transaction key');
  }
  return { accountId: parsed[0], transactionId: parsed[1] };
}
