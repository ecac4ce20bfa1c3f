import type { BankAgent, CounterpartyAccount } from './counterparty-account.js';

/** Someone the account holder has set up to pay (Lean's `beneficiaries`). Holder names and the account are personal data. */
export interface Beneficiary {
  readonly id: string;
  /** Lean's `beneficiary_type` as sent (`OTHER` …). */
  readonly type: string | null;
  /** e.g. `KSA_OB_ACTIVATED`. */
  readonly reference: string | null;
  readonly holderName: string | null;
  readonly holderShortName: string | null;
  readonly account: CounterpartyAccount | null;
  readonly agent: BankAgent | null;
}
