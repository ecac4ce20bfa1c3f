import type { InboxRow, InboxStatus } from '../data/rows.js';
import { builder, MAX_PAGE_SIZE } from './builder.js';
import { badUserInput, forbidden } from './errors.js';

const WebhookStatus = builder.enumType('WebhookStatus', {
  description: 'How far applying a received webhook got.',
  values: {
    RECEIVED: { value: 'RECEIVED', description: 'Stored; not applied yet (or being retried).' },
    APPLIED: { value: 'APPLIED', description: 'Applied to the store; its events were published.' },
    IGNORED: { value: 'IGNORED', description: 'A type or subject the gateway does not act on; kept.' },
    INVALID: { value: 'INVALID', description: 'Signed, but not a webhook the gateway can read (not JSON, not an envelope); kept with the reason.' },
    FAILED: { value: 'FAILED', description: 'Retries ran out; kept. `replayFailedWebhooks` or `npm run webhooks:replay` applies it again.' },
  } as const satisfies Record<InboxStatus, { value: InboxStatus; description: string }>,
});

const WebhookDelivery = builder.objectRef<Omit<InboxRow, 'body'>>('WebhookDelivery').implement({
  description: 'A webhook Lean delivered (signature verified), for operators. The body is not exposed.',
  fields: (t) => ({
    id: t.string({ description: 'Its place in the order of arrival.', resolve: (row) => String(row.id) }),
    eventKey: t.exposeString('event_key', { description: "Lean's event_id, or `sha256:<hex>` of the body where Lean sends none." }),
    type: t.exposeString('type', { nullable: true, description: 'The webhook type, e.g. entity.created.' }),
    status: t.field({ type: WebhookStatus, description: 'How far applying it got.', resolve: (row) => row.status }),
    attempts: t.exposeInt('attempts', { description: 'How often applying it was tried.' }),
    lastError: t.exposeString('last_error', { nullable: true, description: 'Why it is INVALID, IGNORED, or why the last attempt failed.' }),
    receivedAt: t.field({ type: 'DateTime', description: 'When it arrived.', resolve: (row) => row.received_at }),
    processedAt: t.field({ type: 'DateTime', nullable: true, description: 'When it was applied, ignored or given up on.', resolve: (row) => row.processed_at }),
  }),
});

const serviceOnly = (kind: string) => {
  if (kind !== 'service') throw forbidden('Only a service may see or replay webhooks');
};

builder.queryField('webhookDeliveries', (t) =>
  t.field({
    type: [WebhookDelivery],
    description: 'The newest webhooks received, for operators (services only).',
    args: {
      status: t.arg({ type: WebhookStatus, description: 'Only those in this status.' }),
      first: t.arg.int({ defaultValue: 20, description: 'How many, newest first (at most 100).' }),
    },
    complexity: (args) => ({ field: 1, multiplier: Math.max(0, args.first ?? 20) }),
    resolve: async (_root, args, { principal, data }) => {
      serviceOnly(principal.kind);
      const first = args.first ?? 20;
      if (first < 0 || first > MAX_PAGE_SIZE) throw badUserInput(`first must be between 0 and ${MAX_PAGE_SIZE}`, { argument: 'first' });
      return data.webhookDeliveries(args.status ?? undefined, first);
    },
  }),
);

builder.mutationField('replayFailedWebhooks', (t) =>
  t.int({
    description: 'Makes every FAILED webhook due again (services only); answers how many. The processor applies them within a second.',
    resolve: async (_root, _args, { principal, data }) => {
      serviceOnly(principal.kind);
      return data.replayFailedWebhooks();
    },
  }),
);
