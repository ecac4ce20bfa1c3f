import { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { DEFAULT_TRANSACTIONS_DAYS as DEFAULT_RANGE_DAYS, transactionsWindow } from '../data/kinds/transactions.js';
import type { TransactionCursor, TransactionRow } from '../data/rows.js';
import { builder, MAX_PAGE_SIZE } from './builder.js';
import { answeringLeanErrors, badUserInput, notFound, personalDataForbidden } from './errors.js';
import { LEAN_OUTCOMES, staleReasonOf, unwrapOutcome } from './outcomes.js';
import { PERSONAL_DATA_NOTE, revealed } from './personal-data.js';
import { Account, BalanceRef, Entity, Transaction } from './refs.js';
import { TransactionCategory, TransactionDirection } from './transaction.js';

builder.node(Account, {
  description: 'A bank account of an entity: its balance and transactions.',
  id: { resolve: (account) => account.id },
  loadMany: (ids, { data }) => Promise.all(ids.map(async (id) => (await data.account(id)) ?? null)),
  fields: (t) => ({
    leanAccountId: t.exposeString('id', { description: "Lean's `account_id`." }),
    entity: t.field({
      type: Entity,
      description: 'The link (entity) the account was read through.',
      resolve: async (account, _a, { data }) => {
        const entity = await data.entity(account.entity_id);
        if (entity === undefined) throw notFound('entity');
        return entity;
      },
    }),
    name: t.exposeString('name', { nullable: true, description: 'The account name the bank gives.' }),
    type: t.exposeString('type', {
      nullable: true,
      description: "The account type the bank gives: from Lean's v1 API its type text as sent; from v2, which has none, the sub-type (see `subType`), e.g. CURRENT, SAVINGS, CREDIT.",
    }),
    currency: t.exposeString('currency', { description: 'ISO 4217 currency code, e.g. AED or SAR.' }),
    iban: t.string({
      nullable: true,
      description: `The IBAN. ${PERSONAL_DATA_NOTE}`,
      resolve: (account, _a, { principal }) => {
        personalDataForbidden(principal);
        return revealed(account.iban);
      },
    }),
    holderName: t.string({
      nullable: true,
      description: `The account holder's name as the bank gives it (Lean's \`account_holder_name\`); null from Lean's v1 API. ${PERSONAL_DATA_NOTE}`,
      resolve: (account, _a, { principal }) => {
        personalDataForbidden(principal);
        return revealed(account.holder_name);
      },
    }),
    subType: t.exposeString('sub_type', {
      nullable: true,
      description:
        "Lean's account sub-type (`account_sub_type`) as sent: CURRENT, SAVINGS, CREDIT, CHARGE_CARD, PREPAID, EMONEY, MORTGAGE, PERSONAL_LOAN, UNSUPPORTED … (a string, so a sub-type Lean adds later passes as it is); null from Lean's v1 API.",
    }),
    status: t.exposeString('status', {
      nullable: true,
      description: "Whether the bank keeps the account open (Lean's `status` as sent: ENABLED, DISABLED …); null from Lean's v1 API.",
    }),
    openingDate: t.field({
      type: 'Date',
      nullable: true,
      description: "The day the account was opened (Lean's `opening_date`); null from Lean's v1 API.",
      resolve: (account) => account.opening_date,
    }),
    nickname: t.exposeString('nickname', {
      nullable: true,
      description: "The name the holder gave the account at the bank (Lean's `nickname`); null where there is none, and from Lean's v1 API.",
    }),
    balance: t.field({
      type: BalanceRef,
      nullable: true,
      description: 'The current balance, or what to do while Lean cannot give it yet.',
      errors: { types: LEAN_OUTCOMES, union: { name: 'BalanceResult', description: 'The balance, or a typed answer telling the front end what to do next.' } },
      resolve: async (account, _a, context, info) => {
        const outcome = await answeringLeanErrors(() => context.data.balanceOf(account.id));
        if (outcome === undefined) return null;
        return { ...unwrapOutcome(outcome, context, info), stale: outcome.kind === 'ok' && outcome.stale, staleReason: staleReasonOf(outcome) };
      },
    }),
    transactions: t.connection(
      {
        type: Transaction,
        nullable: true,
        // Cost: the page's selection counts `first` (or `last`, else the default page of 20) times.
        complexity: (args) => ({ field: 1, multiplier: Math.max(0, args.first ?? args.last ?? 20) }),
        description:
          'The transactions in a date range, newest first, paginated by cursor. Days not fetched yet (or fetched today more than the freshness window ago) are fetched from Lean first; pages are read from the gateway.',
        args: {
          from: t.arg({ type: 'Date', description: `First day (UTC), inclusive. Default: the ${DEFAULT_RANGE_DAYS} days ending at \`to\`.` }),
          to: t.arg({ type: 'Date', description: 'Last day (UTC), inclusive. Default: today.' }),
          categories: t.arg({ type: [TransactionCategory], description: 'Only these categories.' }),
          direction: t.arg({ type: TransactionDirection, description: 'Only money in (CREDIT) or out (DEBIT).' }),
        },
        errors: {
          types: LEAN_OUTCOMES,
          union: { name: 'TransactionsResult', description: 'A page of transactions, or a typed answer telling the front end what to do next.' },
        },
        resolve: async (account, args, context, info) => {
          for (const [name, size] of [['first', args.first], ['last', args.last]] as const) {
            if (size !== null && size !== undefined && (size < 0 || size > MAX_PAGE_SIZE)) {
              throw badUserInput(`${name} must be between 0 and ${MAX_PAGE_SIZE}`, { argument: name });
            }
          }
          const { startDate, endDate } = transactionsWindow(args.from ?? undefined, args.to ?? undefined, new Date());
          if (startDate > endDate) throw badUserInput('`from` must not be after `to`', { argument: 'from' });
          const query = {
            accountId: account.id,
            startDate,
            endDate,
            categories: args.categories ?? undefined,
            direction: args.direction ?? undefined,
          };
          return resolveCursorConnection(
            { args, toCursor: (row: TransactionRow) => encodeCursor(row), defaultSize: 20, maxSize: MAX_PAGE_SIZE },
            async ({ before, after, limit, inverted }: ResolveCursorConnectionArgs) => {
              const page = { after: decodeCursor(after), before: decodeCursor(before), limit, inverted };
              const outcome = await answeringLeanErrors(() => context.data.transactionsOf(query, page));
              if (outcome === undefined) return null;
              return unwrapOutcome(outcome, context, info);
            },
          );
        },
      },
      { name: 'TransactionConnection', description: 'A page of transactions.' },
      { name: 'TransactionEdge', description: 'A transaction and its cursor.' },
    ),
  }),
});

builder.mutationFields((t) => ({
  refreshAccount: t.field({
    type: Account,
    description: "Makes the account's balance and every range of its transactions be fetched from Lean again at their next read.",
    args: { accountId: t.arg.globalID({ for: Account, required: true, description: 'The global id of the account.' }) },
    resolve: async (_root, { accountId }, { data }) => {
      const account = await data.account(accountId.id);
      if (account === undefined) throw notFound('account');
      const refreshed = await data.refreshAccount(account);
      if (refreshed === undefined) throw notFound('account');
      return refreshed;
    },
  }),
}));

function encodeCursor(row: TransactionRow): string {
  return Buffer.from(JSON.stringify([row.timestamp.toISOString(), row.transaction_id])).toString('base64url');
}

function decodeCursor(cursor: string | undefined): TransactionCursor | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
      const timestamp = new Date(parsed[0]);
      if (!Number.isNaN(timestamp.getTime())) return { timestamp, transactionId: parsed[1] };
    }
  } catch {
    // fall through: the same answer for every malformed cursor
  }
  throw badUserInput('Invalid cursor: pass a cursor from this connection', { argument: 'after/before' });
}
