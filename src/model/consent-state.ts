/** Where an entity's consent is in its life, as the gateway knows it. */
export type ConsentState = 'ACTIVE' | 'EXPIRING_SOON' | 'EXPIRED' | 'REVOKED';

/** What of a stored consent its state depends on. */
export interface ConsentFacts {
  readonly status: string;
  readonly expiresAt: Date | null;
  readonly createdAt: Date | null;
}

/** Statuses under which a consent still lets data be read (Lean says ACTIVE; UK-style banks AUTHORISED). */
const LIVE_STATUSES = new Set(['ACTIVE', 'AUTHORISED', 'AUTHORIZED']);

/** The consent that speaks for the entity: the most recently given one (Lean lists one per link; a bank may keep older ones). */
export function currentConsent<C extends ConsentFacts>(consents: readonly C[]): C | undefined {
  let current: C | undefined;
  for (const consent of consents) {
    if (current === undefined) current = consent;
    else if (consent.createdAt !== null && (current.createdAt === null || consent.createdAt.getTime() > current.createdAt.getTime())) current = consent;
  }
  return current;
}

/** Why the consent no longer lets data be read, by what Lean said of it; undefined while it does (or when there is none). */
export function consentLapse(consents: readonly ConsentFacts[], now: Date): 'REVOKED' | 'EXPIRED' | undefined {
  const current = currentConsent(consents);
  if (current === undefined) return undefined;
  const status = current.status.toUpperCase();
  if (status === 'EXPIRED') return 'EXPIRED';
  if (!LIVE_STATUSES.has(status)) return 'REVOKED';
  if (current.expiresAt !== null && current.expiresAt.getTime() <= now.getTime()) return 'EXPIRED';
  return undefined;
}

/** Whether a consent with this status still lets data be read. */
export function isLiveConsentStatus(status: string): boolean {
  return LIVE_STATUSES.has(status.toUpperCase());
}

/**
 * The entity's consent state: REVOKED or EXPIRED by what Lean said of the consent; REVOKED (EXPIRED
 * when its end had passed) when Lean refused a read with CONSENT_EXPIRED (`lapsedAt`); EXPIRING_SOON
 * within `noticeMs` of its end; else ACTIVE (an entity without consents, UAE v1, included).
 */
export function consentStateOf(consents: readonly ConsentFacts[], lapsedAt: Date | null, now: Date, noticeMs: number): ConsentState {
  const lapse = consentLapse(consents, now);
  if (lapse !== undefined) return lapse;
  if (lapsedAt !== null) return 'REVOKED';
  const expiresAt = currentConsent(consents)?.expiresAt ?? null;
  if (expiresAt !== null && expiresAt.getTime() - now.getTime() <= noticeMs) return 'EXPIRING_SOON';
  return 'ACTIVE';
}
