/** The account holder as the bank knows them; every field is personal data, sealed at rest. */
export interface Identity {
  readonly fullName: string | null;
  readonly mobileNumber: string | null;
  readonly gender: string | null;
  readonly nationalIdentityNumber: string | null;
  /** `YYYY-MM-DD` */
  readonly birthDate: string | null;
  readonly emailAddress: string | null;
  /** One line; v2's structured address is joined. */
  readonly address: string | null;
}
