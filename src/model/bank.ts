import type { AccountType, Region } from './consent-rules.js';

/** A bank of Lean's catalogue (`GET /banks/v1`) for one account type: what a bank picker shows. */
export interface CatalogueBank {
  readonly identifier: string;
  readonly name: string;
  readonly logo: string | null;
  readonly mainColor: string | null;
  readonly backgroundColor: string | null;
  readonly region: Region;
  readonly accountType: AccountType;
  /** Active and enabled for reading data. */
  readonly dataAvailable: boolean;
  /** Active and enabled for payments. */
  readonly paymentsAvailable: boolean;
}
