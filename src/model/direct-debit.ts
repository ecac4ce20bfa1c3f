import type { Money } from './money.js';

/** A mandate that lets someone debit the account (Lean's `direct_debits`). Its `name` (who debits) is personal data. */
export interface DirectDebit {
  readonly id: string;
  /** `ACTIVE`, `INACTIVE` … as sent. */
  readonly status: string | null;
  /** `MONTHLY`, `HALF_YEARLY` … as sent. */
  readonly frequency: string | null;
  readonly mandateIdentification: string | null;
  readonly name: string | null;
  readonly previousPaymentAt: Date | null;
  readonly previousPaymentAmount: Money | null;
}
