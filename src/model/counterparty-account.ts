/** The account money goes to, as a SAMA dataset names it; identification and name are personal data. */
export interface CounterpartyAccount {
  /** `IBAN`, `PAN` … as sent. */
  readonly schemeName: string | null;
  readonly identification: string | null;
  readonly name: string | null;
}

/** The bank that holds a counterparty's account (Lean's `creditor_agent`). Not personal: it names a bank. */
export interface BankAgent {
  /** `BICFI` … as sent. */
  readonly schemeName: string | null;
  /** e.g. `KSAOB.SASABB`. */
  readonly identification: string | null;
  readonly name: string | null;
}
