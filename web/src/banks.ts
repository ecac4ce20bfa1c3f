import type { WebBanksQuery } from './gql/graphql';

/** A bank a user can link, as `banks(region)` lists it (`operations/banks.graphql`). */
export type ListedBank = WebBanksQuery['banks'][number];

/** The data permissions Lean offers in a region (UAE: four; KSA, SAMA open banking: all). */
export const REGION_PERMISSIONS = {
  UAE: ['ACCOUNTS', 'BALANCE', 'IDENTITY', 'TRANSACTIONS'],
  KSA: ['ACCOUNTS', 'BALANCE', 'IDENTITY', 'TRANSACTIONS', 'IDENTITIES', 'BENEFICIARIES', 'DIRECT_DEBITS', 'SCHEDULED_PAYMENTS', 'STANDING_ORDERS'],
} as const;
