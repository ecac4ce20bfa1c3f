import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { CorsConfig } from '../config.js';

/** What a browser page may send: the credential header, the body's type and a request id to join logs. */
export const CORS_ALLOWED_HEADERS = ['content-type', 'authorization', 'x-request-id'] as const;
export const CORS_ALLOWED_METHODS = ['GET', 'POST', 'OPTIONS'] as const;
/** What a page may read of an answer besides the simple headers. */
export const CORS_EXPOSED_HEADERS = ['x-request-id', 'www-authenticate', 'retry-after'] as const;
/** How long a browser may keep a preflight's answer. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;
const LOOPBACK_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?$/;

export interface CorsPolicy {
  /** Whether a browser page at `origin` may call this gateway (reached under the `host` it asked for). */
  allows(origin: string, host: string | undefined): boolean;
  /**
   * Every HTTP route: adds the CORS headers for an allowed Origin, and answers preflights itself.
   * Returns true when the request is answered (a preflight), false when the route should go on.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /**
   * WebSocket upgrades: browsers send Origin and do not apply CORS to WebSockets, so a page from a
   * refused origin is turned away here with 403. No Origin (a service, a script) is let through.
   */
  admitUpgrade(req: IncomingMessage, socket: Duplex): boolean;
}

/**
 * The gateway's CORS policy (yoga's own is off: it echoes any Origin with credentials). Allowed:
 * the gateway's own origin, GATEWAY_CORS_ORIGINS exactly, and, in development and test without that
 * setting, any http://localhost:<port> or http://127.0.0.1:<port>.
 */
export function createCorsPolicy(config: CorsConfig): CorsPolicy {
  const listed = new Set(config.origins);
  const allows = (origin: string, host: string | undefined): boolean =>
    listed.has(origin) || (config.loopback && LOOPBACK_ORIGIN.test(origin)) || isOwnOrigin(origin, host);
  return {
    allows,
    handle(req, res) {
      const origin = req.headers.origin;
      const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
      // The answer differs by Origin, so caches must keep one per Origin.
      res.setHeader('vary', 'Origin');
      if (origin === undefined) return false;
      const allowed = allows(origin, req.headers.host);
      if (allowed) {
        res.setHeader('access-control-allow-origin', origin);
        res.setHeader('access-control-allow-credentials', 'true');
        res.setHeader('access-control-expose-headers', CORS_EXPOSED_HEADERS.join(', '));
      }
      if (!preflight) return false;
      if (allowed) {
        res.setHeader('access-control-allow-methods', CORS_ALLOWED_METHODS.join(', '));
        res.setHeader('access-control-allow-headers', CORS_ALLOWED_HEADERS.join(', '));
        res.setHeader('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS));
      }
      // A refused origin gets no CORS headers: the browser then stops the request it asked about.
      res.writeHead(allowed ? 204 : 403, { 'content-length': '0', 'cache-control': 'no-store' });
      res.end();
      return true;
    },
    admitUpgrade(req, socket) {
      const origin = req.headers.origin;
      if (origin === undefined || allows(origin, req.headers.host)) return true;
      const body = 'origin not allowed\n';
      socket.end(
        `HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return false;
    },
  };
}

/** A page served by the gateway itself: its Origin names the host the browser asked for (behind a proxy, any scheme). */
function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
