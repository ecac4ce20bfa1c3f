import { z } from 'zod';
import { saveLeanEntity } from '../../data/kinds/entities.js';
import { publishEvent } from '../../events/bus.js';
import { disconnectEntity, entityLinkOf, setEntityStatus } from '../../store/entities-store.js';
import { lookUp, type ApplyDependencies, type FinishWebhook, type WebhookStatus } from './applying.js';

const text = z.string().min(1);
const entityReconnectedPayload = z.object({ id: text, reconnect_id: z.string().nullish() });
const entityUpdatedPayload = z.object({ id: text.optional(), entity_id: text.optional(), customer_id: text.optional() });

/** `entity.reconnected`: the user ran `Lean.reconnect`; the entity is active again and `entityReconnected` published. */
export async function applyEntityReconnected(deps: ApplyDependencies, body: unknown, done: FinishWebhook): Promise<WebhookStatus> {
  const parsed = entityReconnectedPayload.safeParse(body);
  if (!parsed.success) return done('IGNORED', 'payload is not an entity.reconnected payload');
  const entityId = parsed.data.id;
  const entity = await entityLinkOf(deps.db, entityId);
  if (entity === undefined) return done('IGNORED', 'no such entity here');
  return done('APPLIED', undefined, async (trx) => {
    if (await setEntityStatus(trx, entityId, 'ACTIVE')) {
      await publishEvent(trx, { topic: 'entityReconnected', customerId: entity.customer_id, entityId });
    }
  });
}

/**
 * `entity.updated` (a consent changed, revoked …): the entity is read from Lean again, or disconnected
 * when Lean no longer knows it (saving it publishes `consentChanged` when its consent lapsed or was given again).
 */
export async function applyEntityUpdated(deps: ApplyDependencies, body: unknown, done: FinishWebhook): Promise<WebhookStatus> {
  const parsed = entityUpdatedPayload.safeParse(body);
  const payload = parsed.success ? parsed.data : undefined;
  const entityId = payload?.id ?? payload?.entity_id;
  if (entityId === undefined) return done('IGNORED', 'payload names no entity');
  const stored = await entityLinkOf(deps.db, entityId);
  const customerId = payload?.customer_id ?? stored?.customer_id;
  if (stored === undefined || customerId === undefined) return done('IGNORED', 'no such entity here');
  const entity = await lookUp(() => deps.lean.getEntity(customerId, entityId));
  return done('APPLIED', undefined, async (trx) => {
    if (entity === undefined) await disconnectEntity(trx, entityId);
    else await saveLeanEntity(trx, deps.vault, entity, new Date());
    await publishEvent(trx, { topic: 'dataChanged', customerId, entityId });
  });
}
