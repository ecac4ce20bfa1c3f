/** The data permissions a Lean entity may be linked with (both API generations use these names). */
export const PERMISSION_NAMES = [
  'identity',
  'accounts',
  'balance',
  'transactions',
  'identities',
  'scheduled_payments',
  'standing_orders',
  'direct_debits',
  'beneficiaries',
] as const;
export type PermissionName = (typeof PERMISSION_NAMES)[number];

/** Each permission Lean named, granted or not; a permission Lean did not mention is absent. */
export type Permissions = Partial<Record<PermissionName, boolean>>;
