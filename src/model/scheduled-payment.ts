import type { BankAgent, CounterpartyAccount } from './counterparty-account.js';
import type { Money } from './money.js';

/** A single payment the bank will make on a day (Lean's `scheduled_payments`). The creditor's account is personal data. */
export interface ScheduledPayment {
  readonly id: string;
  /** `ARRIVAL` or `EXECUTION` (of the day) as sent. */
  readonly type: string | null;
  readonly scheduledAt: Date | null;
  readonly debtorReference: string | null;
  readonly reference: string | null;
  readonly amount: Money | null;
  readonly agent: BankAgent | null;
  readonly account: CounterpartyAccount | null;
}
