import type { Account } from '../../model/account.js';
import { headlineBalance, type Balance, type BalanceEntry } from '../../model/balance.js';
import type { Identity } from '../../model/identity.js';
import type { CreditDebit, DecimalText } from '../../model/money.js';
import type { Counterparty, Transaction } from '../../model/transaction.js';
import type * as wire from './wire.js';

/** Lean's v2 answers in the gateway's own model. */

/** An answer that parsed but cannot be read as the model needs; the text names fields, never values. */
export class UnreadableAnswer extends Error {
  constructor(readonly problem: string) {
    super(problem);
    this.name = 'UnreadableAnswer';
  }
}

/**
 * v2 has no account `type` text as v1 had (`CURRENT_ACCOUNT` …): the sub-type (`CURRENT`,
 * `SAVINGS`, `CREDIT` …) stands in for it, and is also kept as `subType`.
 */
export function toAccount(account: wire.LeanV2Account): Account {
  const iban = account.account?.find((identifier) => identifier.scheme_name?.toUpperCase() === 'IBAN' && identifier.identification);
  return {
    id: account.account_id,
    // Not the identifier's `name`: Lean may put the holder's name there (personal data, sealed as holderName).
    name: account.nickname ?? account.description ?? null,
    type: account.account_sub_type ?? null,
    currency: account.currency,
    iban: iban?.identification ?? null,
    holderName: account.account_holder_name ?? null,
    subType: account.account_sub_type ?? null,
    status: account.status ?? null,
    openingDate: toCalendarDate(account.opening_date),
    nickname: account.nickname ?? null,
  };
}

/** The first identity of the answer (the account holder); all null when Lean listed none. */
export function toIdentity(identity: wire.LeanV2Identity | undefined): Identity {
  return {
    fullName: identity?.full_legal_name ?? identity?.name ?? null,
    mobileNumber: identity?.mobile_number ?? identity?.phone ?? null,
    gender: blankToNull(identity?.gender),
    nationalIdentityNumber: identity?.national_id ?? null,
    birthDate: toCalendarDate(identity?.birth_date),
    emailAddress: identity?.email_address ?? null,
    address: addressLine(identity?.address),
  };
}

/**
 * The structured address as one line, most specific first; a part already said (the UAE sample's
 * `address_line` names its street and city) is not repeated.
 */
export function addressLine(address: wire.LeanV2Address | null | undefined): string | null {
  if (!address) return null;
  const parts = [
    address.apartment_or_villa_number,
    address.building_name,
    address.address_line,
    address.street_address,
    address.street,
    address.area,
    address.town_name,
    address.region,
    address.post_code,
    address.po_box === null || address.po_box === undefined || address.po_box.trim() === '' ? undefined : `P.O. Box ${address.po_box.trim()}`,
    address.country,
  ];
  const line: string[] = [];
  for (const part of parts) {
    const trimmed = part?.trim();
    if (!trimmed) continue;
    if (line.some((said) => saysAlready(said, trimmed))) continue;
    line.push(trimmed);
  }
  return line.length === 0 ? null : line.join(', ');
}

/** Whether `part` occurs in `said` as whole words (`Dubai` in "…, Dubai, UAE"; `AE` not in "UAE"), in any script. */
function saysAlready(said: string, part: string): boolean {
  const escaped = part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'iu').test(said);
}

export function toBalance(balances: readonly wire.LeanV2Balance[]): Balance {
  const breakdown = balances.map(toBalanceEntry);
  const headline = headlineBalance(breakdown);
  if (headline === undefined) throw new UnreadableAnswer('data.balances: no balance listed');
  return { amount: headline.amount, currency: headline.currency, type: headline.type, breakdown };
}

function toBalanceEntry(balance: wire.LeanV2Balance): BalanceEntry {
  return {
    type: balance.type,
    amount: signed(balance.amount.amount, balance.credit_debit_indicator),
    currency: balance.amount.currency,
    creditDebit: creditDebit(balance.credit_debit_indicator),
    dateTime: toDate(balance.date_time),
    creditLines: (balance.credit_line ?? []).map((line) => ({
      type: line.type ?? null,
      included: line.included ?? null,
      amount: line.amount.amount,
      currency: line.amount.currency,
    })),
  };
}

/** Transactions in Lean's order; one listed twice (a page boundary moved while reading) is kept once. */
export function toTransactions(transactions: readonly wire.LeanV2Transaction[]): Transaction[] {
  const seen = new Set<string>();
  const mapped: Transaction[] = [];
  transactions.forEach((transaction, index) => {
    if (seen.has(transaction.transaction_id)) return;
    seen.add(transaction.transaction_id);
    mapped.push(toTransaction(transaction, index));
  });
  return mapped;
}

function toTransaction(transaction: wire.LeanV2Transaction, index: number): Transaction {
  const timestamp = toDate(transaction.booking_date_time) ?? toDate(transaction.value_date_time);
  if (timestamp === null) throw new UnreadableAnswer(`data.transactions.${index}.booking_date_time: not a date-time`);
  const direction = creditDebit(transaction.credit_debit_indicator);
  const exchange = transaction.currency_exchange;
  const charge = transaction.charge_amount;
  const merchant = transaction.merchant_details;
  return {
    id: transaction.transaction_id,
    timestamp,
    description: transaction.transaction_information ?? null,
    amount: signed(transaction.amount.amount, transaction.credit_debit_indicator),
    currency: transaction.amount.currency,
    // BOOKED is settled; PENDING (or a status Lean adds) is not, yet.
    pending: transaction.status?.toUpperCase() !== 'BOOKED',
    // v2 sends no insights object (the `insights` parameter's shape is undocumented).
    insights: null,
    details: {
      bookingStatus: transaction.status ?? null,
      valueDate: toDate(transaction.value_date_time),
      reference: transaction.transaction_reference ?? null,
      merchant: merchant ? { name: merchant.merchant_name ?? null, categoryCode: merchant.merchant_category_code ?? null } : null,
      transactionType: transaction.transaction_type ?? null,
      subTransactionType: transaction.sub_transaction_type ?? null,
      counterparty:
        direction === 'DEBIT'
          ? counterparty(transaction.creditor_account, transaction.creditor_agent)
          : direction === 'CREDIT'
            ? counterparty(transaction.debtor_account, transaction.debtor_agent)
            : null,
      currencyExchange: exchange
        ? {
            sourceCurrency: exchange.source_currency ?? null,
            targetCurrency: exchange.target_currency ?? null,
            unitCurrency: exchange.unit_currency ?? null,
            exchangeRate: exchange.exchange_rate ?? null,
            contractIdentification: exchange.contract_identification ?? null,
            quotationDate: toDate(exchange.quotation_date),
            instructedAmount: exchange.instructed_amount ? { amount: exchange.instructed_amount.amount, currency: exchange.instructed_amount.currency } : null,
          }
        : null,
      charges: charge ? { amount: charge.amount, currency: charge.currency, included: charge.charge_included ?? null } : null,
    },
  };
}

/** The other side of a transaction: who was paid for a debit, who paid for a credit. */
function counterparty(account: wire.LeanV2Transaction['creditor_account'], agent: wire.LeanV2Transaction['creditor_agent']): Counterparty | null {
  if (!account && !agent) return null;
  return {
    name: account?.name ?? null,
    schemeName: account?.scheme_name ?? null,
    identification: account?.identification ?? null,
    bank: agent?.name ?? agent?.identification ?? null,
  };
}

/** Lean's amounts are positive with the direction beside them: a DEBIT is money out, so negative. */
export function signed(amount: DecimalText, indicator: string | null | undefined): DecimalText {
  if (indicator?.toUpperCase() !== 'DEBIT') return amount;
  const magnitude = amount.startsWith('-') ? amount.slice(1) : amount;
  return /^0+(\.0+)?$/.test(magnitude) ? magnitude : `-${magnitude}`;
}

function creditDebit(indicator: string | null | undefined): CreditDebit | null {
  const upper = indicator?.toUpperCase();
  return upper === 'CREDIT' || upper === 'DEBIT' ? upper : null;
}

export function toDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** `YYYY-MM-DD` from a date or a date-time; null when the text is neither. */
export function toCalendarDate(value: string | null | undefined): string | null {
  const match = value ? /^(\d{4}-\d{2}-\d{2})(T|$)/.exec(value.trim()) : null;
  return match?.[1] ?? null;
}

export function blankToNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value;
}
