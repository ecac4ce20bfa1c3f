import { createHash } from 'node:crypto';
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, RLWrapperTimeouts, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '../log.js';

/** The table of migration 0009, where every instance counts the same windows. */
const TABLE = 'rate_limit_buckets';
/** Longer than this for the shared count and the request is counted in this instance's memory instead. */
const STORE_TIMEOUT_MS = 250;
/** At most one warning about the shared count failing per this long, however many requests meet it. */
const WARN_EVERY_MS = 60_000;

export interface RateLimitSettings {
  readonly perSecond: number;
  readonly burst: number;
}

/** One principal's requests, counted per window. */
export interface PrincipalRateLimiter {
  /** Counts one request; undefined when allowed, else the whole seconds until the window ends (Retry-After). */
  take(key: string): Promise<number | undefined>;
}

/**
 * rate-limiter-flexible counts a fixed window (starting at a key's first request), not a token
 * bucket: a window of BURST/PER_SECOND seconds, in whole seconds and at least one, holds
 * PER_SECOND × that many requests. The long-run rate is the configured one; the most at once is
 * the burst (exactly, when the burst is a multiple of the rate).
 */
export function rateLimitWindow({ perSecond, burst }: RateLimitSettings): { points: number; durationSeconds: number } {
  const durationSeconds = Math.max(1, Math.round(burst / perSecond));
  return { points: Math.max(1, Math.round(perSecond * durationSeconds)), durationSeconds };
}

/**
 * With a Postgres server the windows are rows of one table, so N instances together allow the
 * configured rate (RateLimiterPostgres, one upsert per request). A key known to have used up its
 * window is refused from memory until the window ends (`inMemoryBlockOnConsumed`), so a flood costs
 * no queries; that memory only holds what the shared count already decided, so it cannot be worked
 * around by spreading requests over instances.
 * When the shared count fails or does not answer within STORE_TIMEOUT_MS, requests are counted in this
 * instance's memory (the library's insurance limiter): during a database outage each instance limits
 * on its own, rather than every request failing or the limit vanishing. With PGlite (one instance by
 * construction) the count is in memory only.
 */
export function createRateLimiter(settings: RateLimitSettings, database: { readonly pool?: pg.Pool | undefined }, log: Logger): PrincipalRateLimiter {
  const { points, durationSeconds } = rateLimitWindow(settings);
  const window = { points, duration: durationSeconds, keyPrefix: 'graphql' };
  const pool = database.pool;
  let limiter: RateLimiterAbstract;
  if (pool === undefined) {
    limiter = new RateLimiterMemory(window);
  } else {
    const insuranceLimiter = new InstanceFallback(window, log);
    const shared = new RateLimiterPostgres({
      ...window,
      storeClient: pool,
      storeType: 'pool',
      tableName: TABLE,
      tableCreated: true,
      inMemoryBlockOnConsumed: points,
      insuranceLimiter,
    });
    limiter = new RLWrapperTimeouts({ limiter: shared, timeoutMs: STORE_TIMEOUT_MS, insuranceLimiter });
  }
  return {
    take: async (key) => {
      try {
        await limiter.consume(storedKey(key));
        return undefined;
      } catch (error) {
        if (error instanceof RateLimiterRes) return Math.max(1, Math.ceil(error.msBeforeNext / 1_000));
        // Not reached with the insurance in place (memory does not fail); if it is, the request passes.
        log.warn({ err: { message: error instanceof Error ? error.message : 'unknown' } }, 'rate limit could not count a request; it passes');
        return undefined;
      }
    },
  };
}

/** The stored key: a digest, so that no `sub` or address is kept in the table and every key fits its column. */
function storedKey(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}

/** The in-memory count used while the shared one fails, saying so (at most once a minute). */
class InstanceFallback extends RateLimiterMemory {
  private warnedAt = Number.NEGATIVE_INFINITY;

  constructor(
    window: { points: number; duration: number; keyPrefix: string },
    private readonly log: Logger,
  ) {
    super(window);
  }

  override consume(...args: Parameters<RateLimiterMemory['consume']>): ReturnType<RateLimiterMemory['consume']> {
    const now = Date.now();
    if (now - this.warnedAt >= WARN_EVERY_MS) {
      this.warnedAt = now;
      this.log.warn('the shared rate limit (Postgres) failed or was slow: requests are counted per instance until it answers again');
    }
    return super.consume(...args);
  }
}
