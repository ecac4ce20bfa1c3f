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
  /** False when Lean's listing carried no `availability` (the two flags above are then a guess, not Lean's word). */
  readonly availabilityStated?: boolean;
}

/** Whether a bank is up at Lean for each service, as Lean last said, and as of when. */
export interface BankAvailability {
  readonly identifier: string;
  /** Active and enabled for reading data: false means reads of its entities are not sent to Lean. */
  readonly dataAvailable: boolean;
  /** Active and enabled for payments. */
  readonly paymentsAvailable: boolean;
  /** When Lean said so: the webhook's timestamp, or when the catalogue was read. */
  readonly asOf: Date;
  readonly source: 'webhook' | 'catalogue';
}
