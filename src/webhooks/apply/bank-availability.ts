import { z } from 'zod';
import { publishEvent } from '../../events/bus.js';
import type { BankAvailability } from '../../model/bank.js';
import { bankAvailabilities, recordBankAvailability } from '../../store/bank-availability-store.js';
import type { InboxRow } from '../../store/webhook-inbox-store.js';
import type { ApplyDependencies, FinishWebhook, WebhookStatus } from './applying.js';

const flags = z.object({ data: z.boolean(), payments: z.boolean() });
/** Lean's KSA samples: `{identifier, availability: {active: {payments, data}, enabled: {payments, data}}}`. */
const bankAvailabilityPayload = z.object({
  identifier: z.string().min(1).max(200),
  availability: z.object({ active: flags, enabled: flags }),
});

/**
 * `bank.availability.updated`: Lean says a bank's data or payments went down or came back. A service
 * is up when it is both active and enabled. Recorded as of the webhook's timestamp (when it arrived,
 * without one), only when newer than what is recorded (an older, redelivered or duplicate webhook,
 * or one older than the last catalogue read, changes nothing); then `bankAvailabilityChanged`.
 */
export async function applyBankAvailabilityUpdated(
  deps: ApplyDependencies,
  row: InboxRow,
  body: unknown,
  sentAt: string | null | undefined,
  done: FinishWebhook,
): Promise<WebhookStatus> {
  const parsed = bankAvailabilityPayload.safeParse(body);
  if (!parsed.success) return done('IGNORED', 'payload is not a bank.availability.updated payload');
  const { identifier, availability } = parsed.data;
  const lean = sentAt ? new Date(sentAt) : undefined;
  const statement: BankAvailability = {
    identifier,
    dataAvailable: availability.active.data && availability.enabled.data,
    paymentsAvailable: availability.active.payments && availability.enabled.payments,
    asOf: lean !== undefined && !Number.isNaN(lean.getTime()) ? lean : row.received_at,
    source: 'webhook',
  };
  const [recorded] = await bankAvailabilities(deps.db, [identifier]);
  if (recorded !== undefined && recorded.asOf.getTime() >= statement.asOf.getTime()) return done('IGNORED', 'not newer than the availability recorded');
  return done('APPLIED', undefined, async (trx) => {
    // Checked again in the write: another instance may have recorded a newer statement meanwhile.
    const written = await recordBankAvailability(trx, [statement]);
    if (written.length > 0) await publishEvent(trx, { topic: 'bankAvailabilityChanged', customerId: null, bankIdentifier: identifier });
  });
}
