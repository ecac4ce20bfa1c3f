// What the emulated Lean keeps and answers: its records, and the error bodies of Lean's samples.
import type { AccountType } from '../model/consent-rules.js';
import type { PermissionName } from '../model/permissions.js';

/** An answer of the emulated API: HTTP status and JSON body (undefined: no body). */
export interface SandboxAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface CustomerRecord {
  readonly customer_id: string;
  readonly app_user_id: string;
}

export interface ConsentRecord {
  id: string;
  bank_consent_id: string;
  consent_status: string;
  permissions: Record<PermissionName, boolean>;
  creation_date_time: string;
  status_update_date_time: string;
  expiration_date_time: string | null;
  transaction_from_date_time: string | null;
  transaction_to_date_time: string | null;
  accounts: { scheme_name: string; identification: string; name: string | null; secondary_identification: string | null }[];
}

export interface EntityRecord {
  readonly id: string;
  readonly customer_id: string;
  readonly bank_identifier: string;
  readonly account_type: AccountType;
  readonly permissions: Record<PermissionName, boolean>;
  readonly consents: ConsentRecord[];
  /** When the user linked it (ISO); absent in state files written before v2. */
  readonly created_at?: string;
  deleted: boolean;
  /** Epoch ms after which data calls answer RECONNECT_REQUIRED; null: the session never expires. */
  sessionExpiresAt: number | null;
}

export interface WebhookOutbox {
  send(eventId: string, type: string, message: string, payload: unknown): Promise<unknown>;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Lean's error body: the same fields as Lean's own samples. Data calls also carry a results_id. */
export function leanError(status: number, leanStatus: string, message: string, resultsId?: string): SandboxAnswer {
  return {
    status,
    body: {
      ...(resultsId !== undefined && { results_id: resultsId }),
      timestamp: new Date().toISOString(),
      status: leanStatus,
      message,
      metadata: null,
    },
  };
}

export const invalidParameters = (field: string, value: unknown, resultsId?: string): SandboxAnswer =>
  leanError(
    400,
    'INVALID_PARAMETERS',
    `The request is badly formatted or a parameter of the wrong type has been provided, field: ${field}, value: ${describeValue(value)}.`,
    resultsId,
  );

export const unknownEntity = (resultsId?: string): SandboxAnswer =>
  leanError(404, 'UNKNOWN_ENTITY', 'The entity_id provided did not match an account in our records.', resultsId);

export const unknownAccount = (resultsId?: string): SandboxAnswer =>
  leanError(404, 'UNKNOWN_ACCOUNT', 'The account_id provided does not match an account with the entity_id provided.', resultsId);

export const unknownCustomer = (): SandboxAnswer => leanError(404, 'UNKNOWN_CUSTOMER', 'The customer_id provided did not match a customer in our records.');

export const consentExpired = (): SandboxAnswer =>
  leanError(403, 'CONSENT_EXPIRED', 'Consent was suspended, revoked, or expired. New consent is required, please connect the entity once again.');

export const internalError = (resultsId?: string): SandboxAnswer =>
  leanError(500, 'INTERNAL_SERVER_ERROR', 'Something has gone wrong. If you continue to see this error, please get in touch with Lean.', resultsId);

/** A consent that is no longer ACTIVE or has passed its expiration answers CONSENT_EXPIRED. */
export function consentLapsed(entity: EntityRecord, now: number): boolean {
  const consent = entity.consents[0];
  return consent !== undefined && (consent.consent_status !== 'ACTIVE' || (consent.expiration_date_time !== null && Date.parse(consent.expiration_date_time) <= now));
}

/** SAMA dates are KSA calendar days (UTC+03:00). */
const KSA_OFFSET_MS = 3 * 60 * 60 * 1000;

/** The first day (`YYYY-MM-DD`) a SAMA consent lets transactions be read from; undefined: no limit. */
export function consentedFrom(entity: EntityRecord): string | undefined {
  const fromInstant = entity.consents[0]?.transaction_from_date_time;
  return fromInstant ? new Date(Date.parse(fromInstant) + KSA_OFFSET_MS).toISOString().slice(0, 10) : undefined;
}

/** A short, never-throwing rendering of what the client sent. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value.slice(0, 100);
  try {
    return (JSON.stringify(value) ?? 'undefined').slice(0, 100);
  } catch {
    return typeof value;
  }
}
