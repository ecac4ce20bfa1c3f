import { TRANSACTION_CATEGORIES, type TransactionCategory as Category } from '../model/categories.js';
import { parseTransactionKey, transactionKey } from '../data/kinds/transactions.js';
import type { TransactionRow } from '../data/rows.js';
import { builder } from './builder.js';
import { Account, Transaction } from './refs.js';
import { notFound } from './errors.js';

const CATEGORY_DESCRIPTIONS: Record<Category, string> = {
  BANK_FEES_AND_CHARGES: 'Bank fees and charges.',
  CHARITY: 'Donations.',
  EDUCATION: 'Schools, courses, books.',
  ENTERTAINMENT: 'Leisure and subscriptions.',
  GOVERNMENT: 'Government fees and fines.',
  GROCERIES: 'Supermarkets and groceries.',
  HEALTH_AND_WELLBEING: 'Health care, pharmacies, fitness.',
  LOANS_AND_INVESTMENTS: 'Loan repayments and investments (Lean also spells it LOANS_AND_INVESTMENT).',
  RENT_AND_SERVICES: 'Rent, utilities and services.',
  RESTAURANTS_DINING: 'Restaurants and dining.',
  RETAIL: 'Shopping.',
  SALARY_AND_REVENUE: 'Salary and other income.',
  TRANSFER: 'Transfers between accounts or people.',
  TRANSPORT: 'Fuel, taxis, public transport.',
  TRAVEL: 'Flights, hotels, travel.',
  OTHER: 'Anything else — and the fallback for any category Lean adds later (its text is in `categoryCode`).',
};

export const TransactionCategory = builder.enumType('TransactionCategory', {
  description: "Lean's spending category of a transaction. A category this gateway does not know yet reads as OTHER, never as an error.",
  values: Object.fromEntries(TRANSACTION_CATEGORIES.map((c) => [c, { value: c, description: CATEGORY_DESCRIPTIONS[c] }])) as Record<
    Category,
    { value: Category; description: string }
  >,
});

export const TransactionDirection = builder.enumType('TransactionDirection', {
  description: 'Whether money came in or went out.',
  values: {
    CREDIT: { value: 'CREDIT', description: 'Money in (a positive amount, or zero).' },
    DEBIT: { value: 'DEBIT', description: 'Money out (a negative amount).' },
  } as const,
});

interface InsightsShape {
  readonly descriptionCleansed: string | null;
  readonly category: Category;
  readonly categoryCode: string;
  readonly categoryConfidence: number;
  readonly type: string;
  readonly typeConfidence: number;
}

const Insights = builder.objectRef<InsightsShape>('TransactionInsights').implement({
  description: "Lean's enrichment of a transaction.",
  fields: (t) => ({
    descriptionCleansed: t.exposeString('descriptionCleansed', { nullable: true, description: 'The description, cleaned up (e.g. the merchant name).' }),
    category: t.field({ type: TransactionCategory, description: 'The spending category (OTHER for a category not known here).', resolve: (i) => i.category }),
    categoryCode: t.exposeString('categoryCode', { description: 'The category exactly as Lean sent it.' }),
    categoryConfidence: t.exposeFloat('categoryConfidence', { description: 'How sure Lean is of the category, 0 to 1.' }),
    type: t.exposeString('type', { description: 'The kind of transaction, e.g. PURCHASE, TRANSFER, SALARY.' }),
    typeConfidence: t.exposeFloat('typeConfidence', { description: 'How sure Lean is of the type, 0 to 1.' }),
  }),
});

function insightsOf(row: TransactionRow): InsightsShape | null {
  if (row.category === null || row.type === null) return null;
  return {
    descriptionCleansed: row.description_cleansed,
    category: (TRANSACTION_CATEGORIES as readonly string[]).includes(row.category) ? (row.category as Category) : 'OTHER',
    categoryCode: row.category_code ?? row.category,
    categoryConfidence: row.category_confidence ?? 0,
    type: row.type,
    typeConfidence: row.type_confidence ?? 0,
  };
}

builder.node(Transaction, {
  description: 'A transaction of an account.',
  id: { resolve: (row) => transactionKey(row.account_id, row.transaction_id) },
  loadMany: (ids, { data }) =>
    Promise.all(
      ids.map(async (id) => {
        let key;
        try {
          key = parseTransactionKey(id);
        } catch {
          return null;
        }
        return (await data.transaction(key.accountId, key.transactionId)) ?? null;
      }),
    ),
  fields: (t) => ({
    leanTransactionId: t.exposeString('transaction_id', { description: "Lean's id of the transaction." }),
    account: t.field({
      type: Account,
      description: 'The account it belongs to.',
      resolve: async (row, _a, { data }) => {
        const account = await data.account(row.account_id);
        if (account === undefined) throw notFound('account');
        return account;
      },
    }),
    description: t.exposeString('description', { nullable: true, description: 'The description the bank gives.' }),
    amount: t.field({ type: 'Decimal', description: 'The amount, exact: positive for money in, negative for money out.', resolve: (row) => row.amount }),
    currency: t.exposeString('currency', { description: 'ISO 4217 currency code.' }),
    direction: t.field({
      type: TransactionDirection,
      description: 'Money in or out (from the sign of the amount).',
      resolve: (row) => (row.amount.startsWith('-') ? 'DEBIT' : 'CREDIT'),
    }),
    pending: t.exposeBoolean('pending', { description: 'True while the bank has not booked it yet.' }),
    timestamp: t.field({ type: 'DateTime', description: 'When it happened.', resolve: (row) => row.timestamp }),
    insights: t.field({ type: Insights, nullable: true, description: "Lean's enrichment: category and type.", resolve: (row) => insightsOf(row) }),
  }),
});
