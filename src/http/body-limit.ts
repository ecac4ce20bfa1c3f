import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './send-json.js';

/** The largest request body the gateway reads, on /graphql and /webhooks/lean alike. */
export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLarge extends Error {
  constructor(readonly limitBytes: number) {
    super(`body larger than ${limitBytes} bytes`);
  }
}

/**
 * Reads a request body of at most `limit` bytes. A declared `content-length` over the limit is refused
 * before anything is read; a chunked body is counted as it arrives and refused as soon as it passes the
 * limit, so no more than `limit` bytes are ever held.
 */
export function readBodyWithin(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new BodyTooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(new BodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Answers 413 and closes the connection; the rest of the body is drained, not kept. */
export function refuseTooLarge(req: IncomingMessage, res: ServerResponse, body: unknown): void {
  res.setHeader('connection', 'close');
  sendJson(res, 413, body);
  req.resume();
}
