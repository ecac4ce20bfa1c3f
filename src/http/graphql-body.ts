import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode } from '../model/error-codes.js';
import { BodyTooLarge, MAX_BODY_BYTES, readBodyWithin, refuseTooLarge } from './body-limit.js';
import { sendJson } from './send-json.js';

/* Before yoga: POST /graphql must be JSON of at most 1 MiB. */

const JSON_TYPES = new Set(['application/json', 'application/graphql+json', 'application/graphql-response+json']);

function payloadTooLarge(): { errors: { message: string; extensions: Record<string, unknown> }[] } {
  return {
    errors: [
      { message: `The request body is larger than ${MAX_BODY_BYTES} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' satisfies ErrorCode, limitBytes: MAX_BODY_BYTES } },
    ],
  };
}

/**
 * Reads a POST's body (at most MAX_BODY_BYTES, never more held) and hands it to yoga already read;
 * answers 415 for a content type other than JSON and 413 for a body too large. Resolves false when
 * it has answered itself. GET and other methods pass untouched (yoga answers them).
 */
export async function admitGraphQLBody(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.method !== 'POST') return true;
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!JSON_TYPES.has(type)) {
    res.setHeader('connection', 'close');
    sendJson(res, 415, {
      errors: [{ message: 'POST /graphql takes `content-type: application/json`', extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' satisfies ErrorCode } }],
    });
    req.resume();
    return false;
  }
  let body: Buffer;
  try {
    body = await readBodyWithin(req, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      refuseTooLarge(req, res, payloadTooLarge());
      return false;
    }
    throw error;
  }
  // @whatwg-node/server (under yoga) takes a body already read from `req.body` instead of the stream.
  // An empty body stays the (ended) stream: yoga answers it as malformed JSON.
  if (body.length > 0) Object.assign(req, { body });
  return true;
}
