import type { DecimalText, Money } from './money.js';

/** One transaction of an account, from either API generation. Fields only v2 carries are null from v1. */
export interface Transaction {
  readonly id: string;
  readonly timestamp: Date;
  readonly description: string | null;
  /** Signed: negative for money out (v2: `credit_debit_indicator` DEBIT). */
  readonly amount: DecimalText;
  readonly currency: string;
  readonly pending: boolean;
  readonly insights: TransactionInsights | null;
  readonly details: TransactionDetails | null;
}

export interface TransactionInsights {
  readonly descriptionCleansed: string | null;
  /** Lean's category text as sent (normalised when read). */
  readonly category: string;
  readonly categoryConfidence: number;
  readonly type: string;
  readonly typeConfidence: number;
}

/** What Lean's v2 API adds to a transaction. */
export interface TransactionDetails {
  /** `BOOKED`, `PENDING` … */
  readonly bookingStatus: string | null;
  readonly valueDate: Date | null;
  readonly reference: string | null;
  readonly merchant: { readonly name: string | null; readonly categoryCode: string | null } | null;
  /** POS, ATM, LOCAL_BANK_TRANSFER … */
  readonly transactionType: string | null;
  /** PURCHASE, WITHDRAWAL, REFUND … */
  readonly subTransactionType: string | null;
  /** The other side: the creditor of a debit, the debtor of a credit. Personal data: sealed at rest. */
  readonly counterparty: Counterparty | null;
  readonly currencyExchange: CurrencyExchange | null;
  readonly charges: { readonly amount: DecimalText; readonly currency: string; readonly included: boolean | null } | null;
}

export interface Counterparty {
  readonly name: string | null;
  readonly schemeName: string | null;
  readonly identification: string | null;
  /** The other side's bank: its name, or its identification (a BIC) when the name is not given. */
  readonly bank: string | null;
}

export interface CurrencyExchange {
  readonly sourceCurrency: string | null;
  readonly targetCurrency: string | null;
  readonly unitCurrency: string | null;
  /** Exact decimal text of Lean's rate. */
  readonly exchangeRate: DecimalText | null;
  readonly contractIdentification: string | null;
  readonly quotationDate: Date | null;
  readonly instructedAmount: Money | null;
}
