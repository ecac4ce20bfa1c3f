import { randomUUID } from 'node:crypto';
import { useResponseCache, type Cache } from '@graphql-yoga/plugin-response-cache';
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { principalKey } from '../auth/principal.js';
import type { PrincipalOf } from './limits.js';

/** Answers kept at most, by the length of their JSON; the oldest go first. */
const MAX_BYTES = 64 * 1024 * 1024;

type Answer = ExecutionResult<Record<string, unknown>>;

/**
 * Whole query answers, per principal, document and variables, for a few seconds: a front end that
 * asks the same overview again (or many end users refreshing at once) costs no execution at all.
 * Only answers without errors are kept (a stale copy, a refusal or a Lean error is never repeated).
 * Conservative on purpose: any mutation on this instance, and any event any instance publishes
 * (a link, a reconnect, results, an entity re-read or marked stale by a webhook), forgets every
 * answer, so an answer is never older than the data the gateway itself holds, except that a
 * mutation on another instance shows here after at most the lifetime.
 */
export class ResponseCache implements Cache {
  private readonly answers = new Map<string, { answer: Answer; expires: number; bytes: number }>();
  private bytes = 0;

  get(key: string): Answer | undefined {
    const kept = this.answers.get(key);
    if (kept === undefined) return undefined;
    if (kept.expires <= Date.now()) {
      this.drop(key);
      return undefined;
    }
    return kept.answer;
  }

  set(key: string, answer: Answer, _entities: unknown, ttl: number): void {
    if (!(ttl > 0)) return;
    const bytes = JSON.stringify(answer).length;
    if (bytes > MAX_BYTES / 16) return; // one huge answer must not push out everything else
    this.drop(key);
    this.answers.set(key, { answer, expires: Date.now() + ttl, bytes });
    this.bytes += bytes;
    for (const oldest of this.answers.keys()) {
      if (this.bytes <= MAX_BYTES) break;
      this.drop(oldest);
    }
  }

  /** Any change forgets everything: which answers a change touches is not worth the risk of guessing. */
  invalidate(): void {
    this.forgetAll();
  }

  forgetAll(): void {
    this.answers.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.answers.size;
  }

  private drop(key: string): void {
    const kept = this.answers.get(key);
    if (kept === undefined) return;
    this.answers.delete(key);
    this.bytes -= kept.bytes;
  }
}

/**
 * The yoga plugin over `cache`. The session is the principal (what it may see), found from the
 * credential before anything runs; a credential that does not authenticate gets a session of its
 * own, so it is never answered from the cache and meets its 401 as usual. Must come after the
 * trusted-documents plugin (which fills in the document of a hash) and before the rate limit (whose
 * refusal then wins over a kept answer).
 */
export function useGatewayResponseCache(cache: ResponseCache, ttlMs: number, principalOf: PrincipalOf): Plugin {
  return useResponseCache({
    cache,
    ttl: ttlMs,
    invalidateViaMutation: true,
    session: async (request) => {
      try {
        return principalKey(await principalOf(request));
      } catch {
        return `unauthenticated:${randomUUID()}`;
      }
    },
  });
}
