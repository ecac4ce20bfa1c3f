import type { CreditDebit, DecimalText } from './money.js';

/** An account's balance: one headline amount and, from v2, every balance type the bank reports. */
export interface Balance {
  /** v1: Lean's `balance`. v2: the signed amount of the headline type (see `headlineBalanceType`). */
  readonly amount: DecimalText;
  readonly currency: string;
  /** v2 only: the balance type `amount` is (e.g. `INTERIM_AVAILABLE`); null from v1 (Lean's current balance). */
  readonly type: string | null;
  /** v2 only: every balance the bank reported; empty from v1. */
  readonly breakdown: readonly BalanceEntry[];
}

export interface BalanceEntry {
  /** Lean's balance type: CLOSING_AVAILABLE, INTERIM_BOOKED, EXPECTED … (new types parse as they come). */
  readonly type: string;
  /** Signed: negative when `credit_debit_indicator` is DEBIT. */
  readonly amount: DecimalText;
  readonly currency: string;
  readonly creditDebit: CreditDebit | null;
  readonly dateTime: Date | null;
  readonly creditLines: readonly CreditLine[];
}

export interface CreditLine {
  /** EMERGENCY, TEMPORARY, CREDIT, AVAILABLE, PRE_AGREED … */
  readonly type: string | null;
  readonly included: boolean | null;
  readonly amount: DecimalText;
  readonly currency: string;
}

/** The balance types a headline amount is taken from, most preferred first (Open Banking's "available now"). */
export const HEADLINE_BALANCE_TYPES = ['INTERIM_AVAILABLE', 'CLOSING_AVAILABLE', 'INTERIM_BOOKED', 'CLOSING_BOOKED', 'EXPECTED'] as const;

/** The entry a headline amount comes from: the first preferred type present, else the first entry. */
export function headlineBalance(entries: readonly BalanceEntry[]): BalanceEntry | undefined {
  for (const type of HEADLINE_BALANCE_TYPES) {
    const found = entries.find((entry) => entry.type === type);
    if (found !== undefined) return found;
  }
  return entries[0];
}
