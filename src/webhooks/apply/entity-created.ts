import { z } from 'zod';
import { saveLeanEntity } from '../../data/kinds/entities.js';
import { publishEvent } from '../../events/bus.js';
import type { BankDetails, Entity } from '../../model/entity.js';
import { PERMISSION_NAMES, type Permissions } from '../../model/permissions.js';
import { adoptCustomer } from '../../store/customers-store.js';
import { entityLinkOf, linkAnnounced, markLinkAnnounced } from '../../store/entities-store.js';
import { lookUp, type ApplyDependencies, type FinishWebhook, type WebhookStatus } from './applying.js';

const text = z.string().min(1);
const entityCreatedPayload = z.object({
  id: text,
  customer_id: text,
  app_user_id: text.optional(),
  permissions: z.union([z.array(z.string()), z.record(z.string(), z.boolean())]).optional(),
  bank_details: z
    .object({
      identifier: text,
      name: z.string().nullish(),
      logo: z.string().nullish(),
      main_color: z.string().nullish(),
      background_color: z.string().nullish(),
      swift_code: z.string().nullish(),
      account_type: z.string().nullish(),
    })
    .optional(),
});
type EntityCreatedPayload = z.output<typeof entityCreatedPayload>;

/**
 * `entity.created`: the user linked a bank. Lean's entity is stored (with its bank's details) and
 * `entityLinked` published, once per entity: a late or repeated one (the reconciler applied it
 * already, src/webhooks/reconcile.ts) changes nothing and publishes nothing. The reconciler runs
 * this too, with the payload it builds from Lean's entity list.
 */
export async function applyEntityCreated(deps: ApplyDependencies, body: unknown, done: FinishWebhook): Promise<WebhookStatus> {
  const parsed = entityCreatedPayload.safeParse(body);
  if (!parsed.success) return done('IGNORED', 'payload is not an entity.created payload');
  const payload = parsed.data;
  if (await linkAnnounced(deps.db, payload.id)) return done('IGNORED', 'the link was announced already');
  const appUserId = payload.app_user_id ?? (await lookUp(() => deps.lean.getCustomer(payload.customer_id)))?.appUserId;
  if (appUserId === undefined) return done('IGNORED', 'the customer is unknown to Lean');
  // Lean's entity carries the consents; where Lean does not know it, the webhook's own fields stand —
  // unless the entity was unlinked here since (a late or replayed entity.created must not revive it).
  const known = await lookUp(() => deps.lean.getEntity(payload.customer_id, payload.id));
  if (known === undefined) {
    const stored = await entityLinkOf(deps.db, payload.id);
    if (stored?.status === 'DISCONNECTED') return done('IGNORED', 'the entity was disconnected since');
  }
  const entity = known ?? entityOfPayload(payload);
  if (entity === undefined) return done('IGNORED', 'the entity is unknown to Lean and the webhook names no bank');
  const bank = bankOfPayload(payload);
  return done('APPLIED', undefined, async (trx) => {
    await adoptCustomer(trx, { id: payload.customer_id, appUserId });
    await saveLeanEntity(trx, deps.vault, entity, new Date(), bank);
    // Another instance (a webhook, the reconciler) may have announced it meanwhile: once only.
    if (await markLinkAnnounced(trx, payload.id)) await publishEvent(trx, { topic: 'entityLinked', customerId: payload.customer_id, entityId: payload.id });
  });
}

/** The entity as the webhook alone describes it (no consents: stored ones stand); undefined without a bank. */
function entityOfPayload(payload: EntityCreatedPayload): Entity | undefined {
  const bank = payload.bank_details;
  if (bank === undefined) return undefined;
  return {
    id: payload.id,
    customerId: payload.customer_id,
    bankIdentifier: bank.identifier,
    accountType: bank.account_type || null,
    bankType: null,
    permissions: permissionsOfPayload(payload.permissions),
    createdAt: null,
    consents: undefined,
  };
}

/** Lean sends the permissions as a list of names or as name → granted; every known name is answered. */
function permissionsOfPayload(permissions: EntityCreatedPayload['permissions']): Permissions {
  const granted: Permissions = {};
  for (const name of PERMISSION_NAMES) granted[name] = Array.isArray(permissions) ? permissions.includes(name) : permissions?.[name] === true;
  return granted;
}

function bankOfPayload(payload: EntityCreatedPayload): BankDetails | undefined {
  const bank = payload.bank_details;
  if (bank === undefined) return undefined;
  return {
    identifier: bank.identifier,
    name: bank.name ?? null,
    logo: bank.logo ?? null,
    mainColor: bank.main_color ?? null,
    backgroundColor: bank.background_color ?? null,
    swiftCode: bank.swift_code ?? null,
  };
}
