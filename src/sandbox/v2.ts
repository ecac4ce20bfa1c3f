// Lean's v2 face: `GET /data/v2/*` with a bearer token, paged, in Lean's v2 envelope, from v1's data.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { DataKind } from './bank-behaviours.js';
import type { SandboxBankProfile } from './banks.js';
import { isCalendarDate, isoDay, parseDay, threeYearsBefore } from './calendar.js';
import { accountOf, type DataCall, type DataOutcome } from './data-answers.js';
import type { SandboxAccount } from './data.js';
import { consentedFrom, invalidParameters, leanError, UUID, type EntityRecord, type SandboxAnswer } from './records.js';
import { route, type Route } from './routes.js';
import type { SandboxState } from './state.js';
import type { GeneratedTransaction } from './transactions.js';
import { v2AccountIdentities, v2Beneficiaries, v2DirectDebits, v2ScheduledPayments, v2StandingOrders } from './v2-ksa-datasets.js';
import { v2Account, v2Balances, v2Identity } from './v2-items.js';
import { statementLines, v2Transaction } from './v2-transactions.js';

/** Lean states no maximum page size; the emulator refuses more than this many items a page. */
export const V2_MAX_PAGE_SIZE = 500;
export const V2_DEFAULT_PAGE_SIZE = 50;

const calendarDate = z.string().refine(isCalendarDate);
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const dataQuery = z.object({
  entity_id: z.string().regex(UUID),
  page: z.string().regex(/^\d{1,9}$/).transform(Number).optional(),
  size: z.string().regex(/^\d{1,9}$/).transform(Number).refine((n) => n >= 1 && n <= V2_MAX_PAGE_SIZE).optional(),
  start_date: calendarDate.optional(),
  end_date: calendarDate.optional(),
  async: flag.optional(),
  insights: flag.optional(),
});
type DataQuery = z.output<typeof dataQuery>;

/** The query of a v2 read, or the INVALID_PARAMETERS answer naming the first bad parameter. */
export function readQuery(query: URLSearchParams, withResultsId = true): { query: DataQuery } | { answer: SandboxAnswer } {
  const parsed = dataQuery.safeParse(Object.fromEntries(query));
  const resultsId = withResultsId ? randomUUID() : undefined;
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? 'entity_id');
    return { answer: invalidParameters(field, query.get(field) ?? undefined, resultsId) };
  }
  const { start_date: start, end_date: end } = parsed.data;
  if (start !== undefined && end !== undefined && start > end) return { answer: invalidParameters('start_date', `${start} (after end_date ${end})`, resultsId) };
  return { query: parsed.data };
}

/** `page` as Lean (Spring) writes it. */
export function pageOf(number: number, size: number, total: number) {
  return { number, size, total_elements: total, total_pages: Math.ceil(total / size), sort: null };
}

/** What one endpoint lists: Lean's `type`, the key of the list in `data`, the permission it needs. */
interface Dataset {
  readonly path: string;
  readonly type: string;
  readonly listKey: string;
  readonly kind: DataKind;
  /** Identity answers carry `data.account_id: null`, even per account. */
  readonly accountIdInData: boolean;
  readonly items: (context: ItemContext) => unknown[] | PagedList;
}

/** A list too long to render whole: its length, and the items of one page. */
interface PagedList {
  readonly total: number;
  readonly page: (offset: number, size: number) => unknown[];
}

interface ItemContext {
  readonly state: SandboxState;
  readonly history: HistoryCache;
  readonly entity: EntityRecord;
  readonly bank: SandboxBankProfile;
  readonly account: SandboxAccount | undefined;
  readonly query: DataQuery;
  readonly now: number;
}

const DATASETS: readonly Dataset[] = [
  { path: 'accounts', type: 'accounts', listKey: 'accounts', kind: 'accounts', accountIdInData: false, items: ({ state, entity, bank }) => accountItems(state, entity, bank) },
  {
    path: 'identity',
    type: 'identities',
    listKey: 'identities',
    kind: 'identity',
    accountIdInData: true,
    items: ({ state, entity, bank }) => [v2Identity(state.data, entity, bank, state.data.person(entity.id, bank.region))],
  },
  {
    path: 'balances',
    type: 'balances',
    listKey: 'balances',
    kind: 'balance',
    accountIdInData: false,
    items: ({ state, history, entity, account, now }) => {
      const acc = required(account);
      const today = isoDay(Math.floor(now / 86_400_000));
      const monthToDate = history(acc, today).filter((t) => t.transaction.timestamp >= `${today.slice(0, 8)}01` && Date.parse(t.transaction.timestamp) <= now);
      return v2Balances(state.data, entity, acc, monthToDate, now);
    },
  },
  { path: 'transactions', type: 'transactions', listKey: 'transactions', kind: 'transactions', accountIdInData: false, items: (context) => transactionItems(context) },
  {
    path: 'beneficiaries',
    type: 'beneficiaries',
    listKey: 'beneficiaries',
    kind: 'beneficiaries',
    accountIdInData: false,
    items: ({ state, bank, account }) => v2Beneficiaries(state.data, bank, required(account)),
  },
  {
    path: 'identities',
    type: 'identities',
    listKey: 'identities',
    kind: 'identities',
    accountIdInData: true,
    items: ({ state, entity, bank }) => v2AccountIdentities(state.data, entity, bank, state.data.person(entity.id, bank.region)),
  },
  {
    path: 'direct-debits',
    type: 'direct-debits',
    listKey: 'direct_debits',
    kind: 'direct_debits',
    accountIdInData: false,
    items: ({ state, account, now }) => v2DirectDebits(state.data, required(account), now),
  },
  {
    path: 'scheduled-payments',
    type: 'scheduled-payments',
    listKey: 'scheduled_payments',
    kind: 'scheduled_payments',
    accountIdInData: false,
    items: ({ state, bank, account, now }) => v2ScheduledPayments(state.data, bank, required(account), now),
  },
  {
    path: 'standing-orders',
    type: 'standing-orders',
    listKey: 'standing_orders',
    kind: 'standing_orders',
    accountIdInData: false,
    items: ({ state, entity, bank, account, now }) =>
      v2StandingOrders(state.data, bank, required(account), state.data.accounts(entity.id, bank).find((a) => a.type === 'Savings'), now),
  },
];

/** The v2 data reads and the legacy results call. */
export function v2DataRoutes(state: SandboxState): Route[] {
  const history = historyCache(state);
  const [accounts, identity, ...perAccount] = DATASETS;
  const routes: Route[] = [];
  if (accounts !== undefined) routes.push(route('GET', /^\/data\/v2\/accounts\/?$/, 'GET /data/v2/accounts', 'apiToken', ({ query }) => read(state, history, accounts, query, undefined)));
  if (identity !== undefined) routes.push(route('GET', /^\/data\/v2\/identity\/?$/, 'GET /data/v2/identity', 'apiToken', ({ query }) => read(state, history, identity, query, undefined)));
  for (const dataset of perAccount) {
    const pattern = new RegExp(`^/data/v2/accounts/([^/]+)/${dataset.path}/?$`);
    routes.push(
      route('GET', pattern, `GET /data/v2/accounts/{account_id}/${dataset.path}`, 'apiToken', ({ params: [accountId], query }) => read(state, history, dataset, query, accountId ?? '')),
    );
  }
  routes.push(route('GET', /^\/data\/v2\/results\/([^/]+)\/?$/, 'GET /data/v2/results/{results_id}', 'apiToken', ({ params: [id] }) => results(state, id ?? '')));
  return routes;
}

function read(state: SandboxState, history: HistoryCache, dataset: Dataset, rawQuery: URLSearchParams, accountId: string | undefined): SandboxAnswer {
  const parsed = readQuery(rawQuery);
  if ('answer' in parsed) return parsed.answer;
  const { query } = parsed;
  if (accountId !== undefined && !UUID.test(accountId)) return invalidParameters('account_id', accountId, randomUUID());
  const render: DataCall['render'] = (entity, bank, resultsId) => {
    const now = state.now();
    const context: ItemContext = { state, history, entity, bank, account: accountId === undefined ? undefined : accountOf(state.data, entity, bank, accountId), query, now };
    const page = query.page ?? 0;
    const size = query.size ?? V2_DEFAULT_PAGE_SIZE;
    const items = dataset.items(context);
    const list: PagedList = Array.isArray(items) ? { total: items.length, page: (offset, count) => items.slice(offset, offset + count) } : items;
    return {
      status: 'OK',
      results_id: resultsId ?? randomUUID(),
      message: 'Data successfully retrieved',
      meta: null,
      timestamp: new Date(now).toISOString(),
      status_detail: null,
      // When Lean last read the bank into its store; before the first refresh ends, the link itself.
      refreshed_at: state.refreshes.lastFinishedAt(entity.id) ?? entity.created_at ?? new Date(now).toISOString(),
      type: dataset.type,
      data: {
        type: dataset.type,
        ...(dataset.accountIdInData && { account_id: null }),
        [dataset.listKey]: list.page(page * size, size),
        page: pageOf(page, size, list.total),
      },
    };
  };
  const call: DataCall = { face: 'v2', kind: dataset.kind, entityId: query.entity_id, ...(accountId !== undefined && { accountId }), async: query.async === true, render };
  return v2Answer(state.answers.answer(call), state.now());
}

/**
 * PENDING is Lean's v2 guide's body (`data: null`). RECONNECT_REQUIRED keeps that envelope and, as
 * v1 does in `payload`, carries `data: {reconnect_id, type: "reconnect"}`; `POST /sandbox/reconnect/{id}`
 * takes that reconnect_id or the results_id (Lean's v2 guide passes the results_id to `Lean.reconnect`).
 */
export function v2Answer(outcome: DataOutcome, now: number): SandboxAnswer {
  const timestamp = new Date(now).toISOString();
  switch (outcome.kind) {
    case 'refused':
      return outcome.answer;
    case 'ok':
      return { status: 200, body: outcome.body };
    case 'pending':
      return {
        status: 200,
        body: { status: 'PENDING', results_id: outcome.resultsId, message: 'Please wait for a webhook or try again later.', meta: null, timestamp, status_detail: null, data: null },
      };
    case 'reconnectRequired':
      return {
        status: 200,
        body: {
          status: 'RECONNECT_REQUIRED',
          results_id: outcome.resultsId,
          message: 'User input is required to reconnect with the bank',
          meta: null,
          timestamp,
          status_detail: null,
          data: { reconnect_id: outcome.reconnectId, type: 'reconnect' },
        },
      };
  }
}

/** `GET /data/v2/results/{id}`: the v2 envelope of the call that went PENDING, once it is ready. */
function results(state: SandboxState, resultsId: string): SandboxAnswer {
  const body = UUID.test(resultsId) ? state.answers.finished(resultsId, 'v2') : undefined;
  return body === undefined
    ? leanError(404, 'UNKNOWN_RESULTS_ID', 'The results_id provided has not been recognized by Lean or has not been processed yet', UUID.test(resultsId) ? resultsId : randomUUID())
    : { status: 200, body };
}

function accountItems(state: SandboxState, entity: EntityRecord, bank: SandboxBankProfile): unknown[] {
  const person = state.data.person(entity.id, bank.region);
  return state.data.accounts(entity.id, bank).map((account) => v2Account(state.data, entity, bank, account, person));
}

/** Oldest first; only the page asked for is rendered. Without dates: all Lean holds (`transaction_availability`). */
function transactionItems({ state, history: historyOf, entity, bank, account, query, now }: ItemContext): PagedList {
  const acc = required(account);
  const today = isoDay(Math.floor(now / 86_400_000));
  const windowStart = isoDay(threeYearsBefore(parseDay(today, 'today')));
  const from = consentedFrom(entity);
  const starts = [windowStart, from, query.start_date].filter((d): d is string => d !== undefined);
  const start = starts.reduce((a, b) => (a > b ? a : b));
  const end = query.end_date !== undefined && query.end_date < today ? query.end_date : today;
  // From the start to now, newest first, so each balance can be counted back from today's.
  const history = historyOf(acc, today).filter((t) => t.transaction.timestamp >= start && Date.parse(t.transaction.timestamp) <= now);
  const lines = start > end ? [] : statementLines(state.data, acc, history, end);
  const others = state.data.accounts(entity.id, bank).filter((a) => a.account_id !== acc.account_id);
  const context = {
    data: state.data,
    entity,
    bank,
    account: acc,
    // An own-account transfer of a savings account comes from the current account, and the reverse.
    otherAccount: others.find((a) => a.type === (acc.type === 'Savings' ? 'Checkings' : 'Savings')) ?? others[0],
    person: state.data.person(entity.id, bank.region),
    insights: query.insights === true,
  };
  return { total: lines.length, page: (offset, size) => lines.slice(offset, offset + size).map((line) => v2Transaction(context, line)) };
}

/** Three years of an account's generated history as of `today`, newest first. */
type HistoryCache = (account: SandboxAccount, today: string) => GeneratedTransaction[];

/** Paging asks for the same history again and again: the last few are kept, recently used last. */
function historyCache(state: SandboxState, kept = 16): HistoryCache {
  const histories = new Map<string, GeneratedTransaction[]>();
  return (account, today) => {
    const key = `${account.account_id}|${account.type}|${today}`;
    const history = histories.get(key) ?? state.data.transactionDetails(account, { startDate: '1970-01-01', endDate: today, today });
    histories.delete(key);
    histories.set(key, history);
    for (const oldest of histories.keys()) {
      if (histories.size <= kept) break;
      histories.delete(oldest);
    }
    return history;
  };
}

function required(account: SandboxAccount | undefined): SandboxAccount {
  if (account === undefined) throw new Error('a per-account dataset without its account');
  return account;
}
