import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha512=';
const HEX = /^[0-9a-f]{128}$/i;
const BASE64 = /^[A-Za-z0-9+/_-]{86}={0,2}$/;

/**
 * Whether `lean-signature: sha512=<digest>` is the HMAC-SHA512 of the raw body under the webhook
 * secret. Lean's docs do not say hex or base64; both are accepted. Compared in constant time.
 */
export function verifyLeanSignature(rawBody: Buffer, header: string | undefined, secret: string): boolean {
  if (header === undefined || !header.toLowerCase().startsWith(PREFIX)) return false;
  const given = header.slice(PREFIX.length).trim();
  let digest: Buffer;
  if (HEX.test(given)) digest = Buffer.from(given, 'hex');
  else if (BASE64.test(given)) digest = Buffer.from(given.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  else return false;
  const expected = createHmac('sha512', secret).update(rawBody).digest();
  return digest.length === expected.length && timingSafeEqual(digest, expected);
}
