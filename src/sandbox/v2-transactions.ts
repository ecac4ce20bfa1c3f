// v2's transactions: v1's, oldest first, each with the fields of Lean's v2 samples and its running balance.
import type { SandboxBankProfile } from './banks.js';
import type { SandboxAccount, SandboxData } from './data.js';
import { money, signed } from './money.js';
import type { Person } from './people.js';
import { letters } from './random.js';
import type { EntityRecord } from './records.js';
import type { GeneratedTransaction, TransactionDetail } from './transactions.js';
import { holderNames, maskedPan } from './v2-items.js';
import { counterpartyOf, ownAgent, partyAccount } from './v2-parties.js';

/** A transaction in its place on the statement: its index within its day and the balance after it. */
export interface StatementLine {
  readonly generated: GeneratedTransaction;
  readonly index: number;
  /** Available balance after the transaction, in minor units (v1's balance after the newest one). */
  readonly balanceAfter: number;
}

/**
 * The account's statement over [startDate, endDate], oldest first. `history` runs from startDate to
 * now, newest first (as generated), so the running balance can be counted back from v1's balance.
 */
export function statementLines(data: SandboxData, account: SandboxAccount, history: readonly GeneratedTransaction[], endDate: string): StatementLine[] {
  let balance = Math.round(data.balance(account) * 100);
  const lines: StatementLine[] = [];
  for (const generated of history) {
    const after = balance;
    balance -= Math.round(generated.transaction.amount * 100);
    if (generated.transaction.timestamp.slice(0, 10) <= endDate) lines.push({ generated, index: 0, balanceAfter: after });
  }
  lines.reverse();
  let day = '';
  let index = 0;
  return lines.map((line) => {
    const date = line.generated.transaction.timestamp.slice(0, 10);
    index = date === day ? index + 1 : 0;
    day = date;
    return { ...line, index };
  });
}

const BANK_CODES: Readonly<Record<TransactionDetail['channel'], readonly [string, string, string]>> = {
  pos: ['Customer Card Transactions', 'Point-of-Sale (POS) Payment', 'POS'],
  online: ['Customer Card Transactions', 'Card Not Present Payment', 'ECOM'],
  atm: ['Customer Card Transactions', 'Cash Withdrawal', 'ATM'],
  refund: ['Customer Card Transactions', 'Reversal Due To Payment Return', 'RFND'],
  transfer: ['Issued Credit Transfers', 'Domestic Credit Transfer', 'TRF'],
  salary: ['Received Credit Transfers', 'Salary Payment', 'SAL'],
  bill: ['Issued Credit Transfers', 'Bill Payment', 'BILL'],
  cheque: ['Issued Cheques', 'Cheque', 'CHQ'],
  directDebit: ['Issued Direct Debits', 'Direct Debit Payment', 'DD'],
  fee: ['Miscellaneous Debit Operations', 'Charges', 'CHG'],
  profit: ['Miscellaneous Credit Operations', 'Interest', 'PRFT'],
};

const TRANSACTION_TYPE: Readonly<Record<TransactionDetail['channel'], string>> = {
  pos: 'POS',
  online: 'E_COMMERCE',
  atm: 'ATM',
  refund: 'POS',
  transfer: 'LOCAL_BANK_TRANSFER',
  salary: 'LOCAL_BANK_TRANSFER',
  bill: 'BILL_PAYMENTS',
  cheque: 'CHEQUE',
  directDebit: 'BILL_PAYMENTS',
  fee: 'OTHER',
  profit: 'OTHER',
};

/** Merchant category codes (ISO 18245) by the category v1's insights give. */
const MCC: Readonly<Record<string, string>> = {
  GROCERIES: '5411',
  RESTAURANTS_DINING: '5812',
  TRANSPORT: '5541',
  RETAIL: '5311',
  ENTERTAINMENT: '7832',
  HEALTH_AND_WELLBEING: '5912',
  TRAVEL: '4511',
  GOVERNMENT: '9399',
  TRANSFER: '4829',
  OTHER: '6011',
  LOANS_AND_INVESTMENTS: '6012',
  BANK_FEES_AND_CHARGES: '6012',
  CHARITY: '8398',
  EDUCATION: '8220',
  RENT_AND_SERVICES: '4900',
  SALARY_AND_REVENUE: '6012',
};

/** Units of the account's currency per unit of the foreign one (the dirham and riyal are pegged to the dollar). */
const RATES: Readonly<Record<string, number>> = { 'AED/USD': 3.6725, 'SAR/USD': 3.75, 'AED/EUR': 3.9862, 'SAR/EUR': 4.0704 };

const LANDLORDS = ['Emaar Properties', 'Nakheel', 'Aldar Properties', 'Dubai Properties', 'Union Properties', 'Deyaar Development'];

const CARD_CHANNELS: ReadonlySet<TransactionDetail['channel']> = new Set(['pos', 'online', 'atm', 'refund']);
const PARTY_CHANNELS: ReadonlySet<TransactionDetail['channel']> = new Set(['transfer', 'salary', 'bill', 'cheque', 'directDebit']);

export interface StatementContext {
  readonly data: SandboxData;
  readonly entity: EntityRecord;
  readonly bank: SandboxBankProfile;
  readonly account: SandboxAccount;
  /** The entity's other accounts, the other side of a transfer between own accounts. */
  readonly otherAccount: SandboxAccount | undefined;
  readonly person: Person;
  readonly insights: boolean;
}

export function v2Transaction(context: StatementContext, line: StatementLine): Record<string, unknown> {
  const { data, entity, bank, account } = context;
  const { transaction, detail } = line.generated;
  const random = data.seeded.stream('v2-transaction', transaction.id);
  const currency = account.currency_code;
  const minor = Math.round(transaction.amount * 100);
  const { indicator, minor: magnitude } = signed(minor);
  const after = signed(line.balanceAfter);
  const [code, subCode, proprietary] = BANK_CODES[detail.channel];
  const reference = letters(random, 10);
  const holder = holderNames(context.person).full;
  const card = CARD_CHANNELS.has(detail.channel);
  const chargeMinor = detail.foreignCurrency === undefined ? 0 : Math.max(1, Math.round(magnitude * 0.0299));
  const { insights } = transaction;
  return {
    entity_id: entity.id,
    account_id: account.account_id,
    transaction_id: transaction.id,
    transaction_information: transaction.description,
    transaction_reference: reference,
    credit_debit_indicator: indicator,
    amount: money(magnitude, currency),
    transaction_mutability: transaction.pending ? 'MUTABLE' : 'IMMUTABLE',
    booking_date_time: transaction.timestamp,
    insights: context.insights ? insights : null,
    balance: { type: 'INTERIM_AVAILABLE', credit_debit_indicator: after.indicator, amount: money(after.minor, currency) },
    status: transaction.pending ? 'PENDING' : 'BOOKED',
    statement_reference: [letters(random, 10)],
    value_date_time: `${transaction.timestamp.slice(0, 10)}T00:00:00Z`,
    index: line.index,
    // A purchase abroad carries its foreign-transaction fee, booked as a transaction of its own.
    charge_amount: { amount: money(chargeMinor, currency, 'decimal').amount, currency, charge_included: false },
    bank_transaction_code: { code, sub_code: subCode },
    card_instrument: {
      authorization_type: !card ? 'OTHER' : detail.channel === 'online' ? 'CONSUMER_DEVICE' : detail.channel === 'atm' ? 'PIN' : random.pick(['CONTACTLESS', 'PIN']),
      card_scheme_name: card ? (account.type === 'CreditCard' ? 'MASTER_CARD' : 'VISA') : 'UNSUPPORTED',
      identification: maskedPan(data, account),
      name: holder.toUpperCase(),
    },
    merchant_details: { merchant_category_code: MCC[insights.category] ?? '6012', merchant_name: insights.description_cleansed },
    proprietary_bank_transaction_code: { code: proprietary, issuer: bank.shortName },
    currency_exchange: currencyExchange(context, line, random.next()),
    ...parties(context, detail, minor < 0),
    local_time_zone: 'UTC+00:00',
    transaction_type: detail.ownAccount && PARTY_CHANNELS.has(detail.channel) ? 'SAME_BANK_TRANSFER' : TRANSACTION_TYPE[detail.channel],
    sub_transaction_type: subTransactionType(detail.channel, minor < 0),
    payment_modes: null,
    flags: [],
    regional_data: null,
  };
}

function subTransactionType(channel: TransactionDetail['channel'], debit: boolean): string {
  if (channel === 'pos' || channel === 'online') return debit ? 'PURCHASE' : 'REFUND';
  if (channel === 'atm') return 'WITHDRAWAL';
  if (channel === 'refund') return 'REFUND';
  if (channel === 'fee') return 'NOT_APPLICABLE';
  return debit ? 'MONEY_TRANSFER' : 'DEPOSIT';
}

function currencyExchange(context: StatementContext, line: StatementLine, jitter: number): Record<string, unknown> | null {
  const foreign = line.generated.detail.foreignCurrency;
  if (foreign === undefined) return null;
  const { account } = context;
  const { transaction } = line.generated;
  // The rate of the day: the peg, or the euro moving within half a percent.
  const peg = RATES[`${account.currency_code}/${foreign}`] ?? 1;
  const rate = Math.round(peg * (foreign === 'USD' ? 1 : 0.995 + jitter * 0.01) * 1e10) / 1e10;
  const random = context.data.seeded.stream('v2-exchange', transaction.id);
  return {
    source_currency: foreign,
    target_currency: account.currency_code,
    unit_currency: foreign,
    exchange_rate: rate,
    contract_identification: letters(random, 22),
    quotation_date: `${transaction.timestamp.slice(0, 10)}T00:00:00Z`,
    instructed_amount: money(Math.round(Math.abs(transaction.amount * 100) / rate), foreign),
  };
}

/** The four parties of a transfer, bill or salary (the holder on one side), or all four null for card and bank items. */
function parties(context: StatementContext, detail: TransactionDetail, debit: boolean): Record<string, unknown> {
  if (!PARTY_CHANNELS.has(detail.channel)) return { creditor_account: null, creditor_agent: null, debtor_account: null, debtor_agent: null };
  const { data, bank, account, otherAccount, person } = context;
  const holder = holderNames(person).full;
  const own = { account: partyAccount(bank.region, holder, account.iban), agent: ownAgent(bank) };
  let other: { account: unknown; agent: unknown };
  if (detail.ownAccount) {
    other = { account: partyAccount(bank.region, holder, otherAccount?.iban ?? account.iban), agent: ownAgent(bank) };
  } else {
    // A rent cheque names no payee on the statement; the landlord is one per account all the same.
    const name = detail.counterparty ?? data.seeded.stream('v2-landlord', account.account_id).pick(LANDLORDS);
    other = counterpartyOf(data.seeded, bank.region, account.account_id, name);
  }
  const [creditor, debtor] = debit ? [other, own] : [own, other];
  return { creditor_account: creditor.account, creditor_agent: creditor.agent, debtor_account: debtor.account, debtor_agent: debtor.agent };
}
