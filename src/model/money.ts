/**
 * An exact decimal amount as text (`178268.21`, `-46.1`, `1934`), as Lean sent it: money is never
 * a float anywhere in the gateway (Postgres `numeric`, GraphQL `Decimal`).
 */
export type DecimalText = string;

export interface Money {
  readonly amount: DecimalText;
  /** ISO 4217, e.g. `AED`, `SAR`. */
  readonly currency: string;
}

/** Which way money moved, or which side of zero a balance is on. */
export type CreditDebit = 'CREDIT' | 'DEBIT';
