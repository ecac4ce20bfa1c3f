/**
 * A person or company with a role on an account (Lean's per-account `identities`): holders, joint
 * holders, attorneys. The party's id, type and role are not personal; everything that says who they
 * are is, and is sealed at rest.
 */
export interface Party {
  readonly partyId: string | null;
  readonly partyNumber: string | null;
  /** `SOLE`, `JOINT`, `DELEGATE`, `UNSUPPORTED` … as sent. */
  readonly partyType: string | null;
  /** `POWER_OF_ATTORNEY`, `BENEFICIARY` … as sent; null where the bank gives none. */
  readonly accountRole: string | null;
  readonly fullLegalName: string | null;
  readonly name: string | null;
  readonly emailAddress: string | null;
  readonly phone: string | null;
  readonly mobileNumber: string | null;
  readonly nationalId: string | null;
  /** `YYYY-MM-DD` */
  readonly birthDate: string | null;
  readonly gender: string | null;
  /** One line, as `Identity.address`. */
  readonly address: string | null;
}
