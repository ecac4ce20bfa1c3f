import type { Permissions } from './permissions.js';

/** A bank the user linked (Lean's "entity"), as either API generation describes it. */
export interface Entity {
  readonly id: string;
  readonly customerId: string;
  readonly bankIdentifier: string;
  /** `PERSONAL` or `BUSINESS`; v1 entities carry it, v2 entities do not (null). */
  readonly accountType: string | null;
  /** `RETAIL` …; only v2 entities carry it (null from v1). */
  readonly bankType: string | null;
  readonly permissions: Permissions;
  /** When Lean created the entity (v2 only; null from v1). */
  readonly createdAt: Date | null;
  /** Absent when the answer did not list consents (the stored ones stand). */
  readonly consents: readonly Consent[] | undefined;
}

/** A consent the bank granted for the entity (KSA open banking; UAE entities may carry one too). */
export interface Consent {
  readonly id: string;
  readonly bankConsentId: string | null;
  readonly status: string;
  readonly permissions: Permissions;
  readonly createdAt: Date | null;
  readonly statusUpdatedAt: Date | null;
  readonly expiresAt: Date | null;
  readonly transactionsFrom: Date | null;
  readonly transactionsTo: Date | null;
  readonly accounts: readonly ConsentAccount[];
}

/** An account a consent names; identification and names are personal data. */
export interface ConsentAccount {
  readonly schemeName: string;
  readonly identification: string;
  readonly name: string | null;
  readonly secondaryIdentification: string | null;
}

/** What `entity.created` says of the bank itself. */
export interface BankDetails {
  readonly identifier: string;
  readonly name: string | null;
  readonly logo: string | null;
  readonly mainColor: string | null;
  readonly backgroundColor: string | null;
  readonly swiftCode: string | null;
}
