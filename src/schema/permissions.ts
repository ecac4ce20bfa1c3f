import { PERMISSION_NAMES, type PermissionName } from '../model/permissions.js';
import { builder } from './builder.js';

const PERMISSION_DESCRIPTIONS: Record<PermissionName, string> = {
  identity: "The account holder's identity (not for BUSINESS accounts in the UAE).",
  accounts: 'The list of accounts.',
  balance: 'The balance of each account.',
  transactions: 'The transactions of each account.',
  identities: 'The identities of every party to the accounts (KSA only).',
  scheduled_payments: 'Scheduled payments (KSA only).',
  standing_orders: 'Standing orders (KSA only).',
  direct_debits: 'Direct debits (KSA only).',
  beneficiaries: 'Beneficiaries (KSA only).',
};

export const LeanPermission = builder.enumType('LeanPermission', {
  description: 'A data permission a user grants when linking a bank. The UAE offers the first four; KSA (SAMA open banking) all.',
  values: Object.fromEntries(
    PERMISSION_NAMES.map((name) => [name.toUpperCase(), { value: name, description: PERMISSION_DESCRIPTIONS[name] }]),
  ) as Record<Uppercase<PermissionName>, { value: PermissionName; description: string }>,
});

/** The granted permissions of a stored permission set, in Lean's order. */
export function grantedPermissions(permissions: Record<string, boolean>): PermissionName[] {
  return PERMISSION_NAMES.filter((name) => permissions[name] === true);
}

export const AccountType = builder.enumType('AccountType', {
  description: 'Whether the linked bank account is a personal (retail) or a business (corporate) one.',
  values: {
    PERSONAL: { value: 'PERSONAL', description: 'A personal (retail) account.' },
    BUSINESS: { value: 'BUSINESS', description: 'A business (corporate) account; identity is not available for it in the UAE.' },
  } as const,
});

export const Region = builder.enumType('Region', {
  description: 'Where a bank is: Lean serves the United Arab Emirates and Saudi Arabia.',
  values: {
    UAE: { value: 'UAE', description: 'United Arab Emirates.' },
    KSA: { value: 'KSA', description: 'Kingdom of Saudi Arabia (SAMA open banking).' },
  } as const,
});
