import type { Principal } from './principal.js';

/** The JWT scope an end user needs to read personal data: identity and full IBANs. */
export const PERSONAL_DATA_SCOPE = 'identity:read';

/** Services always may; an end user only with the scope in their token. */
export function mayReadPersonalData(principal: Principal): boolean {
  return principal.kind === 'service' || (principal.kind === 'endUser' && principal.scopes.has(PERSONAL_DATA_SCOPE));
}
