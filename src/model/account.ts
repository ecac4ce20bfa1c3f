/** A bank account of an entity. Fields only Lean's v2 API carries are null from v1. */
export interface Account {
  readonly id: string;
  readonly name: string | null;
  /** v1's account type text (`CURRENT_ACCOUNT`, `CREDIT_CARD` …); from v2 the sub-type stands in. */
  readonly type: string | null;
  readonly currency: string;
  /** Personal data: sealed at rest. */
  readonly iban: string | null;
  /** v2: `account_holder_name` (personal data: sealed at rest). */
  readonly holderName: string | null;
  /** v2: `account_sub_type` (`CURRENT`, `SAVINGS`, `CREDIT` …). */
  readonly subType: string | null;
  /** v2: `status` (`ENABLED`, `DISABLED` …). */
  readonly status: string | null;
  /** v2: `opening_date`, `YYYY-MM-DD`. */
  readonly openingDate: string | null;
  /** v2: `nickname`. */
  readonly nickname: string | null;
}
