import type { LeanApiVersion } from '../../src/lean/api.js';

/**
 * The generation of Lean's API the suite's gateways speak: `LEAN_TEST_API_VERSION=v1` runs the
 * suite against the emulator's v1 face; unset, v2 (the product's default). A test that is about one
 * generation sets `LEAN_API_VERSION` itself.
 */
export const LEAN_TEST_VERSION: LeanApiVersion = process.env['LEAN_TEST_API_VERSION'] === 'v1' ? 'v1' : 'v2';

/** The emulator's route templates (as `/sandbox/stats` counts them) of each data call, per generation. */
const ENDPOINTS = {
  v1: {
    entities: 'GET /customers/v1/{customer_id}/entities',
    accounts: 'POST /data/v1/accounts',
    identity: 'POST /data/v1/identity',
    balance: 'POST /v1/balance',
    transactions: 'POST /v1/transactions',
    results: 'GET /v1/results/{results_id}',
  },
  v2: {
    entities: 'GET /customers/v1/{customer_id}/entities',
    accounts: 'GET /data/v2/accounts',
    identity: 'GET /data/v2/identity',
    balance: 'GET /data/v2/accounts/{account_id}/balances',
    transactions: 'GET /data/v2/accounts/{account_id}/transactions',
    results: 'GET /data/v2/results/{results_id}',
  },
} as const;
export type LeanEndpointName = keyof (typeof ENDPOINTS)['v1'];

/** The route template of a data call in the generation the suite speaks (or the one given). */
export function leanEndpoint(name: LeanEndpointName, version: LeanApiVersion = LEAN_TEST_VERSION): string {
  return ENDPOINTS[version][name];
}

/** The token call of v2's OAuth2; counted apart from data calls. */
export const TOKEN_ENDPOINT = 'POST /oauth2/token';

/** Calls by template without the token call: what a data path cost, the same in both generations. */
export function withoutTokenCalls(calls: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(calls).filter(([endpoint]) => endpoint !== TOKEN_ENDPOINT));
}
