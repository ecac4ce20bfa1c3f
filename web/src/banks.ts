import type { Region } from './gql/graphql';

/** A bank a user can link, as `banks(region)` lists it. */
export interface ListedBank {
  readonly identifier: string;
  readonly name: string | null;
  readonly logo: string | null;
  readonly mainColor: string | null;
  readonly backgroundColor: string | null;
  readonly region: Region;
  readonly availability: { readonly data: boolean } | null;
}

/**
 * `banks(region)`, written by hand rather than generated: it joins schema.graphql with the gateway's
 * bank list, and codegen checks every document against the schema. Once `banks` is in
 * schema.graphql, this moves to `operations/banks.graphql`. Without it the app asks for a bank id.
 */
export const BANKS_QUERY = /* GraphQL */ `
  query WebBanks($region: Region) {
    banks(region: $region) {
      identifier
      name
      logo
      mainColor
      backgroundColor
      region
      availability {
        data
      }
    }
  }
`;

export interface BanksData {
  readonly banks: readonly ListedBank[];
}

/** The data permissions Lean offers in a region (UAE: four; KSA, SAMA open banking: all). */
export const REGION_PERMISSIONS = {
  UAE: ['ACCOUNTS', 'BALANCE', 'IDENTITY', 'TRANSACTIONS'],
  KSA: ['ACCOUNTS', 'BALANCE', 'IDENTITY', 'TRANSACTIONS', 'IDENTITIES', 'BENEFICIARIES', 'DIRECT_DEBITS', 'SCHEDULED_PAYMENTS', 'STANDING_ORDERS'],
} as const;
