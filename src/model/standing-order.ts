import type { BankAgent, CounterpartyAccount } from './counterparty-account.js';
import type { Money } from './money.js';

/** A payment the bank repeats (Lean's `standing_orders`). The creditor's account is personal data. */
export interface StandingOrder {
  readonly id: string;
  /** `ACTIVE`, `INACTIVE` … as sent. */
  readonly status: string | null;
  /** `LOCAL_BANK_TRANSFER`, `SAME_BANK_TRANSFER`, `CHARITY` … as sent. */
  readonly type: string | null;
  /** `MONTHLY`, `OTHER` … as sent (`frequency.frequency_type`). */
  readonly frequency: string | null;
  /** e.g. `IntervalDay:5`, `EveryWorkingDay` (`frequency.interval`). */
  readonly interval: string | null;
  readonly numberOfPayments: number | null;
  readonly reference: string | null;
  readonly purpose: string | null;
  readonly firstPaymentAt: Date | null;
  readonly lastPaymentAt: Date | null;
  readonly nextPaymentAt: Date | null;
  readonly finalPaymentAt: Date | null;
  readonly firstPaymentAmount: Money | null;
  readonly lastPaymentAmount: Money | null;
  readonly nextPaymentAmount: Money | null;
  readonly finalPaymentAmount: Money | null;
  readonly agent: BankAgent | null;
  readonly account: CounterpartyAccount | null;
}
