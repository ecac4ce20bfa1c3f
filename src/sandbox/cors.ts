// CORS for the control routes, so a web app served from a development origin can drive the emulator.
import type { IncomingMessage, ServerResponse } from 'node:http';

const DEVELOPMENT_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?$/;

/** Lean's own routes answer no CORS, as Lean's do not: only `/sandbox/*`. */
export function isControlPath(path: string): boolean {
  return path.startsWith('/sandbox/');
}

/**
 * Sets the CORS headers of a control route's answer for a development origin (echoed, with
 * `Vary: Origin`); answers a preflight (`OPTIONS`) with 204 and returns true when it did.
 */
export function applyControlCors(req: IncomingMessage, res: ServerResponse): boolean {
  res.setHeader('vary', 'Origin');
  const origin = req.headers.origin;
  const allowed = typeof origin === 'string' && DEVELOPMENT_ORIGIN.test(origin);
  if (allowed) res.setHeader('access-control-allow-origin', origin);
  if (req.method !== 'OPTIONS') return false;
  if (allowed) {
    res.setHeader('access-control-allow-methods', 'GET, POST, DELETE, OPTIONS');
    res.setHeader('access-control-allow-headers', 'content-type');
    res.setHeader('access-control-max-age', '600');
  }
  res.writeHead(204, { 'content-length': 0 });
  res.end();
  return true;
}
