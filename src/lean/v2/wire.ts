import { isLosslessNumber, type LosslessNumber } from 'lossless-json';
import { z } from 'zod';

/**
 * Lean's v2 wire format (lean-reference/v2.md), parsed once at the edge from a lossless JSON parse:
 * every JSON number arrives as a `LosslessNumber` holding its exact text. Lenient where Lean grows
 * (enum-like values are plain strings, unknown fields are dropped, optional fields are nullish),
 * strict on money: an amount is a JSON number in plain decimal notation, never a string or a float.
 */

const jsonNumber = z.custom<LosslessNumber>((value) => isLosslessNumber(value), 'expected a JSON number');

/** Plain decimal text, as the gateway's `Decimal` takes it (`178268.21`, `1934`, `10.0`, `-46.1`). */
const AMOUNT_TEXT = /^-?\d{1,20}(\.\d{1,10})?$/;
/** A rate may carry more decimals than money (`0.5750895933`). */
const RATE_TEXT = /^-?\d{1,20}(\.\d{1,20})?$/;

/** An amount: the exact text of the JSON number, never through a double. */
export const amount = jsonNumber.transform((value) => value.value).pipe(z.string().regex(AMOUNT_TEXT, 'not a plain decimal amount'));
export const rate = jsonNumber.transform((value) => value.value).pipe(z.string().regex(RATE_TEXT, 'not a plain decimal rate'));
const count = jsonNumber
  .transform((value) => value.value)
  .pipe(z.string().regex(/^\d{1,9}$/, 'not a count'))
  .transform(Number);

const text = z.string();
const optionalText = z.string().nullish();
/** Text that a bank might send as a number (post codes, phone numbers): kept as its exact text. */
const textOrNumber = z.union([z.string(), jsonNumber.transform((value) => value.value)]).nullish();
const optionalBoolean = z.boolean().nullish();

/** `{amount, currency}`; the sign is in a `credit_debit_indicator` beside it. */
export const money = z.object({ amount, currency: text });

/** Every data answer: `{status, results_id, message, meta, timestamp, status_detail, refreshed_at, type, data}`. */
export const dataEnvelope = z.object({
  status: text,
  results_id: optionalText,
  message: optionalText,
  timestamp: optionalText,
  refreshed_at: optionalText,
  type: optionalText,
  data: z.unknown().optional(),
  /** Where Lean (or the emulator) may put a reconnect id besides `data`: accepted from any of them. */
  payload: z.unknown().optional(),
  reconnect_id: optionalText,
});

export const reconnectHolder = z.object({ reconnect_id: text });

export const page = z.object({
  number: count.nullish(),
  size: count.nullish(),
  total_elements: count.nullish(),
  total_pages: count,
});

/** `data` of a list answer: the list under its key (`accounts`, `identities` …) … */
export function listOf(listKey: string) {
  return z.object({ [listKey]: z.array(z.unknown()) }).transform((data) => data[listKey] ?? []);
}
/** … and the page it is (none: the whole list). */
export const pageOf = z.object({ page: page.nullish() });

export const accountIdentifier = z.object({ scheme_name: optionalText, identification: optionalText, name: optionalText });

export const account = z.object({
  account_id: text,
  account_holder_name: optionalText,
  account_holder_short_name: optionalText,
  status: optionalText,
  currency: text,
  account_type: optionalText,
  account_sub_type: optionalText,
  nickname: optionalText,
  description: optionalText,
  opening_date: optionalText,
  maturity_date: optionalText,
  account: z.array(accountIdentifier).nullish(),
});

export const address = z.object({
  address_line: textOrNumber,
  address_type: optionalText,
  building_type: optionalText,
  apartment_or_villa_number: textOrNumber,
  building_name: textOrNumber,
  street: textOrNumber,
  street_address: textOrNumber,
  area: textOrNumber,
  town_name: textOrNumber,
  region: textOrNumber,
  post_code: textOrNumber,
  po_box: textOrNumber,
  country: textOrNumber,
});

export const identity = z.object({
  full_legal_name: optionalText,
  name: optionalText,
  national_id: textOrNumber,
  birth_date: optionalText,
  gender: optionalText,
  email_address: optionalText,
  phone: textOrNumber,
  mobile_number: textOrNumber,
  address: address.nullish(),
});

export const creditLine = z.object({ included: optionalBoolean, amount: money, type: optionalText });

export const balance = z.object({
  credit_debit_indicator: optionalText,
  type: text,
  amount: money,
  date_time: optionalText,
  credit_line: z.array(creditLine).nullish(),
});

export const partyAccount = z.object({ name: optionalText, scheme_name: optionalText, identification: optionalText });
export const partyAgent = z.object({ scheme_name: optionalText, identification: optionalText, name: optionalText });

export const currencyExchange = z.object({
  source_currency: optionalText,
  target_currency: optionalText,
  unit_currency: optionalText,
  exchange_rate: rate.nullish(),
  contract_identification: optionalText,
  quotation_date: optionalText,
  instructed_amount: money.nullish(),
});

export const transaction = z.object({
  transaction_id: text,
  transaction_information: optionalText,
  transaction_reference: optionalText,
  credit_debit_indicator: optionalText,
  amount: money,
  booking_date_time: optionalText,
  value_date_time: optionalText,
  status: optionalText,
  charge_amount: z.object({ amount, currency: text, charge_included: optionalBoolean }).nullish(),
  merchant_details: z.object({ merchant_name: optionalText, merchant_category_code: optionalText }).nullish(),
  currency_exchange: currencyExchange.nullish(),
  creditor_account: partyAccount.nullish(),
  creditor_agent: partyAgent.nullish(),
  debtor_account: partyAccount.nullish(),
  debtor_agent: partyAgent.nullish(),
  transaction_type: optionalText,
  sub_transaction_type: optionalText,
});

// SAMA's per-account datasets (v2.md §4.5–4.9).
const bankAgent = z.object({ scheme_name: optionalText, identification: optionalText, name: optionalText });
const counterpartyAccount = z.object({ scheme_name: optionalText, identification: optionalText, name: optionalText });

export const beneficiary = z.object({
  beneficiary_id: text,
  beneficiary_type: optionalText,
  account_holder_name: optionalText,
  account_holder_short_name: optionalText,
  creditor_agent: bankAgent.nullish(),
  creditor_account: counterpartyAccount.nullish(),
  reference: optionalText,
});

export const directDebit = z.object({
  direct_debit_id: text,
  status_code: optionalText,
  frequency: optionalText,
  mandate_identification: optionalText,
  name: optionalText,
  previous_payment_date_time: optionalText,
  previous_payment_amount: money.nullish(),
});

export const scheduledPayment = z.object({
  scheduled_payment_id: text,
  scheduled_type: optionalText,
  scheduled_payment_date_time: optionalText,
  debtor_reference: optionalText,
  reference: optionalText,
  instructed_amount: money.nullish(),
  creditor_agent: bankAgent.nullish(),
  creditor_account: counterpartyAccount.nullish(),
});

export const standingOrder = z.object({
  standing_order_id: text,
  standing_order_status_code: optionalText,
  standing_order_type: optionalText,
  frequency: z.object({ frequency_type: optionalText, interval: optionalText }).nullish(),
  number_of_payments: count.nullish(),
  reference: optionalText,
  purpose: optionalText,
  first_payment_date_time: optionalText,
  last_payment_date_time: optionalText,
  next_payment_date_time: optionalText,
  final_payment_date_time: optionalText,
  first_payment_amount: money.nullish(),
  last_payment_amount: money.nullish(),
  next_payment_amount: money.nullish(),
  final_payment_amount: money.nullish(),
  creditor_agent: bankAgent.nullish(),
  creditor_account: counterpartyAccount.nullish(),
});

/** A party of an account: the identity fields, and its place on the account. */
export const party = identity.extend({
  party_id: textOrNumber,
  party_number: textOrNumber,
  party_type: optionalText,
  account_role: optionalText,
});

export type LeanV2Beneficiary = z.output<typeof beneficiary>;
export type LeanV2DirectDebit = z.output<typeof directDebit>;
export type LeanV2ScheduledPayment = z.output<typeof scheduledPayment>;
export type LeanV2StandingOrder = z.output<typeof standingOrder>;
export type LeanV2Party = z.output<typeof party>;
export type LeanV2BankAgent = z.output<typeof bankAgent>;
export type LeanV2CounterpartyAccount = z.output<typeof counterpartyAccount>;

/** `POST /data/v2/refreshes` 200: `{refresh_id, status: "OK", message, timestamp}`. */
export const refreshStarted = z.object({ refresh_id: optionalText, status: optionalText, message: optionalText });

export type LeanV2Account = z.output<typeof account>;
export type LeanV2Identity = z.output<typeof identity>;
export type LeanV2Address = z.output<typeof address>;
export type LeanV2Balance = z.output<typeof balance>;
export type LeanV2Transaction = z.output<typeof transaction>;
export type LeanV2Money = z.output<typeof money>;

/** `GET /data/v2/refreshes?entity_id`: the list under `content`, no status envelope (Lean's sample). */
export const refreshList = z.object({
  content: z.array(z.object({ refresh_id: z.string().min(1), status: z.string().min(1), updated_at: optionalText })),
});
