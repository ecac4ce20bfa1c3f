import { createHmac } from 'node:crypto';

/** The webhook secret test gateways are started with (LEAN_WEBHOOK_SECRET). */
export const TEST_WEBHOOK_SECRET = 'webhook-secret-for-these-tests-0123456789';

/** `lean-signature` as Lean computes it: HMAC-SHA512 of the raw body. */
export function sign(body: string, secret = TEST_WEBHOOK_SECRET, encoding: 'hex' | 'base64' = 'hex'): string {
  return `sha512=${createHmac('sha512', secret).update(body).digest(encoding)}`;
}

/** Delivers a webhook as Lean does; `null` sends no signature at all. */
export async function postWebhook(baseUrl: string, body: string, signature: string | null = sign(body)): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${baseUrl}/webhooks/lean`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature !== null && { 'lean-signature': signature }) },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}
