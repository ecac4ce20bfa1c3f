import { TRANSACTION_CATEGORIES, type TransactionCategory as Category } from '../model/categories.js';
import type { Money as MoneyShape } from '../model/money.js';
import type { Counterparty as CounterpartyShape } from '../model/transaction.js';
import { parseTransactionKey, transactionKey } from '../data/kinds/transactions.js';
import type { CurrencyExchangeJson, TransactionChargesJson, TransactionRow } from '../data/rows.js';
import { builder } from './builder.js';
import { Account, Transaction } from './refs.js';
import { notFound, personalDataForbidden } from './errors.js';
import { PERSONAL_DATA_NOTE, revealed } from './personal-data.js';

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

interface MerchantShape {
  readonly name: string | null;
  readonly categoryCode: string | null;
}

const Merchant = builder.objectRef<MerchantShape>('Merchant').implement({
  description: 'Where the money went, as the bank names it (v2 only).',
  fields: (t) => ({
    name: t.exposeString('name', { nullable: true, description: "The merchant's name as the bank gives it." }),
    categoryCode: t.exposeString('categoryCode', { nullable: true, description: "The merchant's category code as the bank gives it (an MCC, e.g. 5411)." }),
  }),
});

const Counterparty = builder.objectRef<CounterpartyShape>('Counterparty').implement({
  description: `The other side of a transaction: who was paid for money out, who paid for money in (v2 only). ${PERSONAL_DATA_NOTE}`,
  fields: (t) => ({
    name: t.exposeString('name', { nullable: true, description: "The other side's account holder name." }),
    identification: t.exposeString('identification', { nullable: true, description: "The other side's account: an IBAN or an account number, as `schemeName` says." }),
    schemeName: t.exposeString('schemeName', { nullable: true, description: 'What `identification` is, as the bank says it: IBAN, ACCOUNT_NUMBER …; null when it does not say.' }),
    bank: t.exposeString('bank', { nullable: true, description: "The other side's bank: its name, or its identification (a BIC or SAMA code) where the bank gives no name." }),
  }),
});

export const Money = builder.objectRef<MoneyShape>('Money').implement({
  description: 'An exact amount in a currency.',
  fields: (t) => ({
    amount: t.field({ type: 'Decimal', description: 'The amount, exact.', resolve: (money) => money.amount }),
    currency: t.exposeString('currency', { description: 'ISO 4217 currency code.' }),
  }),
});

const CurrencyExchange = builder.objectRef<CurrencyExchangeJson>('CurrencyExchange').implement({
  description: 'How a transaction in another currency was converted (v2 only).',
  fields: (t) => ({
    sourceCurrency: t.exposeString('source_currency', { nullable: true, description: 'The currency converted from (ISO 4217).' }),
    targetCurrency: t.exposeString('target_currency', { nullable: true, description: 'The currency converted to (ISO 4217).' }),
    unitCurrency: t.exposeString('unit_currency', { nullable: true, description: 'The currency `exchangeRate` is quoted in: one unit of it buys `exchangeRate` of the other.' }),
    exchangeRate: t.field({ type: 'Decimal', nullable: true, description: 'The rate, exact as Lean sent it.', resolve: (exchange) => exchange.exchange_rate }),
    contractIdentification: t.exposeString('contract_identification', { nullable: true, description: "The bank's reference of the foreign exchange contract." }),
    quotationDate: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the rate was quoted.',
      resolve: (exchange) => (exchange.quotation_date === null ? null : new Date(exchange.quotation_date)),
    }),
    instructedAmount: t.field({ type: Money, nullable: true, description: 'The amount as instructed, in its own currency.', resolve: (exchange) => exchange.instructed_amount }),
  }),
});

const Charges = builder.objectRef<TransactionChargesJson>('Charges').implement({
  description: 'What the bank charged for a transaction (v2 only).',
  fields: (t) => ({
    amount: t.field({ type: 'Decimal', description: 'The charge, exact.', resolve: (charges) => charges.amount }),
    currency: t.exposeString('currency', { description: 'ISO 4217 currency code.' }),
    included: t.exposeBoolean('included', { nullable: true, description: "Whether the transaction's amount includes the charge; null when the bank does not say." }),
  }),
});

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
    bookingStatus: t.exposeString('booking_status', {
      nullable: true,
      description: "Whether the bank has booked it (Lean's `status` as sent: BOOKED, PENDING …); null from Lean's v1 API (see `pending`).",
    }),
    valueDate: t.field({
      type: 'DateTime',
      nullable: true,
      description: "When the money counts for the balance and interest (Lean's `value_date_time`); null from Lean's v1 API.",
      resolve: (row) => row.value_date,
    }),
    reference: t.exposeString('reference', { nullable: true, description: "The bank's reference of the transaction (Lean's `transaction_reference`); null from Lean's v1 API." }),
    merchant: t.field({
      type: Merchant,
      nullable: true,
      description: "The merchant, where the bank names one (Lean's `merchant_details`); null from Lean's v1 API.",
      resolve: (row) => (row.merchant_name === null && row.merchant_category_code === null ? null : { name: row.merchant_name, categoryCode: row.merchant_category_code }),
    }),
    transactionType: t.exposeString('transaction_type', {
      nullable: true,
      description:
        "How the money moved (Lean's `transaction_type` as sent): ATM, BILL_PAYMENTS, CHEQUE, E_COMMERCE, INTERNATIONAL_TRANSFER, LOCAL_BANK_TRANSFER, POS, SAME_BANK_TRANSFER, TELLER, OTHER …; null from Lean's v1 API (see `insights.type`).",
    }),
    subTransactionType: t.exposeString('sub_transaction_type', {
      nullable: true,
      description:
        "What the movement was (Lean's `sub_transaction_type` as sent): DEPOSIT, DEPOSIT_REVERSAL, MONEY_TRANSFER, NOT_APPLICABLE, PURCHASE, REFUND, REVERSAL, WITHDRAWAL, WITHDRAWAL_REVERSAL …; null from Lean's v1 API.",
    }),
    counterparty: t.field({
      type: Counterparty,
      nullable: true,
      description: `The other side: who was paid for money out, who paid for money in; null where the bank names nobody, and from Lean's v1 API. ${PERSONAL_DATA_NOTE}`,
      resolve: (row, _a, { principal, data }) => {
        personalDataForbidden(principal);
        return revealed(data.counterpartyOf(row));
      },
    }),
    currencyExchange: t.field({
      type: CurrencyExchange,
      nullable: true,
      description: "The conversion of a transaction in another currency (Lean's `currency_exchange`); null for one in the account's currency, and from Lean's v1 API.",
      resolve: (row) => row.currency_exchange,
    }),
    charges: t.field({
      type: Charges,
      nullable: true,
      description: "What the bank charged for it (Lean's `charge_amount`); null where it lists no charge, and from Lean's v1 API.",
      resolve: (row) => row.charges,
    }),
  }),
});
