import type { DataKind } from '../model/results.js';
import type { EntityGate } from '../store/gates.js';
import type { Outcome } from './outcome.js';

export const DISCONNECTED: Outcome<never> = { kind: 'refused', code: 'ENTITY_DISCONNECTED', message: 'The entity is disconnected; link the bank again.' };

/** Whatever the dataset: a disconnected entity, or a lapsed consent. */
export function entityRefusal(gate: EntityGate): Outcome<never> | undefined {
  if (gate.status === 'DISCONNECTED') return DISCONNECTED;
  // Revoked or expired: what was read under the consent is not served any more, and Lean would refuse anyway.
  if (gate.consent_lapsed_at !== null) return { kind: 'consentExpired', entityId: gate.entity_id, message: 'The consent was revoked or has expired; link the bank again.' };
  return undefined;
}

/** Before asking Lean (and before serving a stored copy): a disconnected entity, a lapsed consent, a permission not granted, identity of a business account. */
export function refusal(gate: EntityGate, permission: DataKind): Outcome<never> | undefined {
  const ended = entityRefusal(gate);
  if (ended !== undefined) return ended;
  if (gate.permissions[permission] !== true) {
    return { kind: 'refused', code: 'PERMISSION_NOT_GRANTED', message: `The entity was not linked with the ${permission} permission.` };
  }
  if (permission === 'identity' && gate.account_type === 'BUSINESS') {
    return { kind: 'refused', code: 'UNSUPPORTED_ACCOUNT_TYPE', message: 'Identity is not available for BUSINESS accounts.' };
  }
  return undefined;
}

/** The entity's bank when Lean said its data is down (`bank.availability.updated`, its catalogue); undefined while up or never said. */
export function bankDataDown(gate: EntityGate): string | undefined {
  return gate.bank_data_available === false ? gate.bank_identifier : undefined;
}
