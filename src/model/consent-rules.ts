import type { PermissionName } from './permissions.js';

/** The regions Lean serves, with the permissions a consent may ask for in each. */
export const REGION_PERMISSIONS = {
  UAE: ['identity', 'accounts', 'balance', 'transactions'],
  KSA: ['identity', 'accounts', 'balance', 'transactions', 'identities', 'scheduled_payments', 'standing_orders', 'direct_debits', 'beneficiaries'],
} as const satisfies Record<string, readonly PermissionName[]>;
export type Region = keyof typeof REGION_PERMISSIONS;
export type AccountType = 'PERSONAL' | 'BUSINESS';

/** Single-use (≤ 24 h), long-lived (> 24 h, ≤ 1 year) or open-ended (no `access_to`). */
export type ConsentKind = 'SINGLE_USE' | 'LONG_LIVED' | 'OPEN_ENDED';

export interface ConsentRuleViolation {
  /** A stable name a client can switch on, e.g. `ACCESS_TO_IN_PAST`. */
  readonly rule: string;
  readonly field: string;
  readonly message: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const KSA_OFFSET = '+03:00';
const ZONED = /(Z|[+-]\d\d:?\d\d)$/i;
const DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d\d:?\d\d)?$/i;

/** A datetime as Lean reads it: with its zone, or in KSA local time (UTC+03:00) when it has none. */
export function parseConsentDateTime(value: string): Date | undefined {
  const trimmed = value.trim();
  if (!DATETIME.test(trimmed)) return undefined;
  const withTime = /T/i.test(trimmed) ? trimmed : `${trimmed.slice(0, 10)}T00:00:00${trimmed.slice(10)}`;
  const date = new Date(ZONED.test(withTime) ? withTime : `${withTime}${KSA_OFFSET}`);
  if (Number.isNaN(date.getTime())) return undefined;
  // Reject impossible calendar dates that Date would roll over (2025-02-30 → March 2).
  const [year, month, day] = trimmed.slice(0, 10).split('-').map(Number);
  const calendar = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1));
  if (calendar.getUTCMonth() !== (month ?? 1) - 1 || calendar.getUTCDate() !== day) return undefined;
  return date;
}

export interface ConsentRequest {
  readonly region: Region;
  readonly accountType: AccountType;
  readonly permissions: readonly string[];
  readonly accessFrom?: string | undefined;
  readonly accessTo?: string | undefined;
}

export type ConsentDecision =
  | { readonly ok: true; readonly kind: ConsentKind; readonly accessFrom: Date | undefined; readonly accessTo: Date | undefined; readonly permissions: readonly PermissionName[] }
  | { readonly ok: false; readonly violations: readonly ConsentRuleViolation[] };

/**
 * Lean's rules for a link request: permissions allowed in the region (UAE: four, identity never for
 * BUSINESS) and SAMA's consent window (`access_to` in the future and at most a year ahead,
 * `access_from` not after `access_to`).
 */
export function checkConsentRequest(request: ConsentRequest, now: Date = new Date()): ConsentDecision {
  const violations: ConsentRuleViolation[] = [];
  const allowed: readonly string[] = REGION_PERMISSIONS[request.region];
  if (request.permissions.length === 0) {
    violations.push({ rule: 'PERMISSIONS_REQUIRED', field: 'permissions', message: 'ask for at least one permission' });
  }
  for (const permission of request.permissions) {
    if (!allowed.includes(permission)) {
      violations.push({
        rule: 'PERMISSION_NOT_IN_REGION',
        field: 'permissions',
        message: `${permission} is not available in ${request.region}; allowed: ${allowed.join(', ')}`,
      });
    }
  }
  if (request.region === 'UAE' && request.accountType === 'BUSINESS' && request.permissions.includes('identity')) {
    violations.push({ rule: 'IDENTITY_NOT_FOR_BUSINESS', field: 'permissions', message: 'identity is not available for BUSINESS accounts in the UAE' });
  }

  const accessFrom = readDate(request.accessFrom, 'access_from', violations);
  const accessTo = readDate(request.accessTo, 'access_to', violations);
  if (accessTo !== undefined) {
    if (accessTo.getTime() <= now.getTime()) {
      violations.push({ rule: 'ACCESS_TO_IN_PAST', field: 'access_to', message: 'access_to must be in the future' });
    } else if (accessTo.getTime() > addOneYear(now).getTime()) {
      violations.push({ rule: 'ACCESS_TO_BEYOND_ONE_YEAR', field: 'access_to', message: 'access_to may be at most one year ahead (SAMA)' });
    }
  }
  if (accessFrom !== undefined && accessTo !== undefined && accessFrom.getTime() > accessTo.getTime()) {
    violations.push({ rule: 'ACCESS_FROM_AFTER_ACCESS_TO', field: 'access_from', message: 'access_from must not be after access_to' });
  }
  if (violations.length > 0) return { ok: false, violations };

  const kind: ConsentKind =
    accessTo === undefined ? 'OPEN_ENDED' : accessTo.getTime() - now.getTime() <= DAY_MS ? 'SINGLE_USE' : 'LONG_LIVED';
  return { ok: true, kind, accessFrom, accessTo, permissions: request.permissions as PermissionName[] };
}

function readDate(value: string | undefined, field: string, violations: ConsentRuleViolation[]): Date | undefined {
  if (value === undefined) return undefined;
  const date = parseConsentDateTime(value);
  if (date === undefined) {
    violations.push({ rule: 'INVALID_DATETIME', field, message: `${field} must be an ISO 8601 date-time (a zone-less value is read as UTC+03:00)` });
  }
  return date;
}

function addOneYear(date: Date): Date {
  const next = new Date(date);
  next.setUTCFullYear(next.getUTCFullYear() + 1);
  return next;
}

/** Lean's SAMA open-banking banks carry the `_SAU` suffix (`LEA1_SAMAOB_SAU`); every other bank is in the UAE. */
export function regionOfBank(bankIdentifier: string): Region {
  return /_SAU$/i.test(bankIdentifier) ? 'KSA' : 'UAE';
}
