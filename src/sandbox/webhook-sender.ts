import { createHmac } from 'node:crypto';
import type { Logger } from '../log.js';

/** Lean retries a webhook that was not answered 200 after 1, 2, 5, 10, 60 and 180 minutes. */
export const LEAN_REDELIVERY_MINUTES = [1, 2, 5, 10, 60, 180] as const;
const DELIVERY_TIMEOUT_MS = 10_000;
const MAX_LOGGED = 1_000;

export interface WebhookDelivery {
  readonly event_id: string;
  readonly type: string;
  readonly body: string;
  readonly attempts: { readonly at: string; readonly status: number | 'network_error' }[];
  delivered: boolean;
  gaveUp: boolean;
}

export interface WebhookSenderOptions {
  /** Read at send time: the embedded emulator learns the gateway's address only once it listens. */
  readonly url: () => string | undefined;
  readonly secret: string;
  /** Multiplies the redelivery schedule; 1 is Lean's own. */
  readonly retryScale: number;
  readonly log: Logger;
}

/** `lean-signature: sha512=<hex HMAC-SHA512 of the raw body>`, keyed with the webhook secret. */
export function signLeanWebhook(rawBody: string | Buffer, secret: string): string {
  return `sha512=${createHmac('sha512', secret).update(rawBody).digest('hex')}`;
}

/** Sends webhooks in Lean's envelope, signed, and redelivers on Lean's schedule until one is answered 200. */
export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: WebhookSenderOptions) {}

  /** Sends now; resolves after the first attempt, so callers can order events (reconnected, then results). */
  async send(eventId: string, type: string, message: string, payload: unknown): Promise<WebhookDelivery> {
    const body = JSON.stringify({ type, payload, message, timestamp: new Date().toISOString(), event_id: eventId });
    const delivery: WebhookDelivery = { event_id: eventId, type, body, attempts: [], delivered: false, gaveUp: false };
    this.deliveries.push(delivery);
    // The log is for inspection; settled deliveries beyond the newest MAX_LOGGED are dropped.
    if (this.deliveries.length > MAX_LOGGED) {
      const settled = this.deliveries.findIndex((d) => d.delivered || d.gaveUp);
      if (settled >= 0) this.deliveries.splice(settled, 1);
    }
    await this.attempt(delivery, 0);
    return delivery;
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async attempt(delivery: WebhookDelivery, retriesSoFar: number): Promise<void> {
    const url = this.options.url();
    if (this.closed || url === undefined) return;
    let status: number | 'network_error';
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'lean-signature': signLeanWebhook(delivery.body, this.options.secret) },
        body: delivery.body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      status = 'network_error';
    }
    delivery.attempts.push({ at: new Date().toISOString(), status });
    if (status === 200) {
      delivery.delivered = true;
      return;
    }
    const minutes = LEAN_REDELIVERY_MINUTES[retriesSoFar];
    if (minutes === undefined) {
      delivery.gaveUp = true;
      this.options.log.warn({ event_id: delivery.event_id, type: delivery.type }, 'sandbox webhook given up after the last redelivery');
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(delivery, retriesSoFar + 1);
    }, minutes * 60_000 * this.options.retryScale);
    timer.unref();
    this.timers.add(timer);
  }
}
