import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Kysely } from 'kysely';
import type { Tables } from '../db/tables.js';
import { webhookEnvelope } from '../lean/wire.js';
import type { Logger } from '../log.js';
import { INBOX_CHANNEL, insertWebhook, type ReceivedWebhook } from '../store/webhook-inbox-store.js';
import { wakeListeners } from '../store/wake-up.js';
import { BodyTooLarge, MAX_BODY_BYTES, readBodyWithin, refuseTooLarge } from '../http/body-limit.js';
import { sendJson } from '../http/send-json.js';
import { entityKeyOf } from './entity-key.js';
import { verifyLeanSignature } from './signature.js';

export const WEBHOOK_PATH = '/webhooks/lean';
/** Lean's webhooks are a few kilobytes; anything past this is refused before it is read. */
export const MAX_WEBHOOK_BYTES = MAX_BODY_BYTES;

export interface WebhookReceiverOptions {
  readonly db: Kysely<Tables>;
  /** undefined: signatures are not checked (development only; start-up warns). */
  readonly secret: string | undefined;
  readonly log: Logger;
  /** Called after a new row is stored, so that this instance's processor applies it now (the others hear of it by NOTIFY). */
  readonly onStored: () => void;
}

/**
 * `POST /webhooks/lean`: checks the signature over the raw bytes, stores the delivery in the inbox and
 * answers 200 — nothing slower than that one insert happens first. A duplicate is answered 200 and
 * not stored again; a signed body that is not a webhook we can read is stored as INVALID and
 * answered 200 (Lean would otherwise redeliver it for hours); a failed insert is answered 503 so
 * that Lean redelivers.
 */
export function createWebhookReceiver({ db, secret, log, onStored }: WebhookReceiverOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'method not allowed' });
    let raw: Buffer;
    try {
      raw = await readBodyWithin(req, MAX_WEBHOOK_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLarge) return refuseLarge(req, res);
      throw error;
    }
    if (secret !== undefined && !verifyLeanSignature(raw, headerOf(req, 'lean-signature'), secret)) {
      req.log.warn({ bytes: raw.length, signed: req.headers['lean-signature'] !== undefined }, 'webhook refused: signature does not verify');
      return sendJson(res, 401, { error: 'invalid signature' });
    }
    const webhook = readWebhook(raw);
    let outcome: 'stored' | 'duplicate';
    try {
      outcome = await insertWebhook(db, webhook);
    } catch (error) {
      log.error({ err: { message: error instanceof Error ? error.message : 'unknown', code: (error as { code?: unknown }).code } }, 'webhook not stored: database failed');
      return sendJson(res, 503, { error: 'not stored; deliver again' });
    }
    req.log.info({ eventKey: webhook.eventKey, type: webhook.type, outcome, invalid: webhook.invalidReason }, 'webhook received');
    sendJson(res, 200, { received: true, duplicate: outcome === 'duplicate' });
    if (outcome === 'stored' && webhook.invalidReason === undefined) {
      onStored();
      // The other instances' processors, by NOTIFY after the commit, coalesced.
      wakeListeners(db, INBOX_CHANNEL);
    }
  };
}

function readWebhook(raw: Buffer): ReceivedWebhook {
  const hashKey = `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  const text = raw.toString('utf8');
  // Postgres text cannot hold NUL: such a body is kept with it replaced, as INVALID.
  if (text.includes('\u0000')) return { eventKey: hashKey, type: null, body: text.replaceAll('\u0000', '\uFFFD'), invalidReason: 'the body contains NUL bytes' };
  const body = text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { eventKey: hashKey, type: null, body, invalidReason: 'the body is not JSON' };
  }
  const envelope = webhookEnvelope.safeParse(parsed);
  if (!envelope.success) {
    const problem = envelope.error.issues[0];
    return { eventKey: hashKey, type: null, body, invalidReason: `not a Lean webhook envelope (${problem?.path.join('.') || '(root)'}: ${problem?.code ?? 'invalid'})` };
  }
  const eventId = envelope.data.event_id;
  return {
    eventKey: typeof eventId === 'string' && eventId.trim() !== '' ? eventId.slice(0, 200) : hashKey,
    type: envelope.data.type.slice(0, 200),
    body,
    entityKey: entityKeyOf(envelope.data.type, envelope.data.payload),
  };
}

function refuseLarge(req: IncomingMessage, res: ServerResponse): void {
  refuseTooLarge(req, res, { error: `body larger than ${MAX_WEBHOOK_BYTES} bytes` });
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}
