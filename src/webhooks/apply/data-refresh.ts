import { z } from 'zod';
import { publishEvent } from '../../events/bus.js';
import { accountIdsOfEntity, expireAccountData } from '../../store/accounts-store.js';
import { expireEntityData } from '../../store/entities-store.js';
import type { FinishWebhook, WebhookStatus } from './applying.js';

const text = z.string().min(1);
const dataRefreshUpdatedPayload = z.object({
  entity_id: text,
  data_status: z.object({ account_data: z.array(z.object({ account_id: text })).optional() }).optional(),
});

/**
 * `entity.data.refresh.updated`: Lean read the bank again. What the gateway keeps of the entity is
 * fetched again at its next read: its accounts and identity, and of the accounts named (else all)
 * the balance and the transactions that were going to expire anyway.
 */
export async function applyDataRefreshUpdated(body: unknown, done: FinishWebhook): Promise<WebhookStatus> {
  const parsed = dataRefreshUpdatedPayload.safeParse(body);
  if (!parsed.success) return done('IGNORED', 'payload is not an entity.data.refresh.updated payload');
  const payload = parsed.data;
  return done('APPLIED', undefined, async (trx) => {
    await expireEntityData(trx, payload.entity_id);
    const named = payload.data_status?.account_data?.map((account) => account.account_id) ?? [];
    const accounts = named.length > 0 ? named : await accountIdsOfEntity(trx, payload.entity_id);
    for (const accountId of accounts) await expireAccountData(trx, accountId, { recentOnly: true });
    await publishEvent(trx, { topic: 'dataChanged', entityId: payload.entity_id });
  });
}
