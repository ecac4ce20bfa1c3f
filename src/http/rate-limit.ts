import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Principal } from '../auth/principal.js';
import type { ErrorCode } from '../model/error-codes.js';
import type { PrincipalOf } from './principals-by-request.js';
import type { PrincipalRateLimiter } from './rate-limiter.js';

/* The per-principal rate limit, as a yoga plugin; the limiter that counts is src/http/rate-limiter.ts. */

/** The rate limit's key: a service's API-key fingerprint, an end user's JWT subject, else the client's IP. */
export function rateLimitKey(principal: Principal, clientIp: string | undefined): string {
  if (principal.kind === 'service') return `service:${principal.label}`;
  if (principal.kind === 'endUser') return `user:${principal.appUserId}`;
  // The socket's address: X-Forwarded-For is not trusted (anyone can send it).
  return `ip:${clientIp ?? 'unknown'}`;
}

export function rateLimited(retryAfterSeconds: number, over: 'http' | 'websocket'): GraphQLError {
  return new GraphQLError(`Too many requests; retry in ${retryAfterSeconds} s`, {
    extensions: {
      code: 'RATE_LIMITED' satisfies ErrorCode,
      retryAfterSeconds,
      ...(over === 'http' && { http: { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } } }),
    },
  });
}

/** One request counted per HTTP operation (each of a batch), before the document is parsed. */
export function useRateLimit(limiter: PrincipalRateLimiter, principalOf: PrincipalOf): Plugin<object, { req?: IncomingMessage }> {
  return {
    onParams: async ({ request, context }) => {
      const principal = await principalOf(request);
      const retryAfter = await limiter.take(rateLimitKey(principal, context.req?.socket.remoteAddress));
      if (retryAfter !== undefined) throw rateLimited(retryAfter, 'http');
    },
  };
}
