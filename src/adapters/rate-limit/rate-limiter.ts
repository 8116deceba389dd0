import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config, RateLimitRule } from '../../config/types.js';

/** The limiter classes (API.md §1.11.2, API-NEWER.md §2.1), each with its own counters. */
export type LimitClass = 'global' | 'email' | 'sms' | 'bruteForce' | 'signups' | 'oauth2Server';

export const LIMIT_CLASSES: readonly LimitClass[] = ['global', 'email', 'sms', 'bruteForce', 'signups', 'oauth2Server'];

export type LimitDecision = { isAllowed: true } | { isAllowed: false; retryAfterSeconds: number };

/** Counts one request against a class's budget for a key (a client bucket or `global`). */
export interface RateLimiter {
  /** Where the counters live. */
  readonly store: 'memory' | 'redis';
  consume(limitClass: LimitClass, key: string): Promise<LimitDecision>;
  close(): Promise<void>;
}

export interface RateLimiterOptions {
  /** Told about store failures; the request is then counted in process memory instead. */
  onStoreError?: (err: unknown) => void;
}

/** Windows are whole seconds in the store; every configured interval of a second or more is exact. */
function windowSeconds(rule: RateLimitRule): number {
  return Math.max(1, Math.ceil(rule.intervalMs / 1000));
}

/**
 * A fixed-window counter per class and key: `burst` requests pass, the next ones are refused until
 * the window that began with the first request ends. Both stores increment and compare in one
 * step (a synchronous map update in memory; one Lua script in Redis), so simultaneous requests at
 * the edge let exactly one through. With Redis, a store failure falls back to a per-instance
 * memory counter rather than refusing everyone or letting everyone in.
 */
export async function createRateLimiter(config: Config['rateLimit'], options: RateLimiterOptions = {}): Promise<RateLimiter> {
  const prefix = config.memcache.prefix;
  const redis = config.redisUrl === '' ? null : await connectRedis(config.redisUrl, options);
  const limiters = new Map<LimitClass, RateLimiterAbstract>();
  for (const limitClass of LIMIT_CLASSES) {
    const rule = config[limitClass];
    const base = { points: rule.burst, duration: windowSeconds(rule), keyPrefix: `${prefix}latchkey-rl-${limitClass}` };
    const memory = new RateLimiterMemory(base);
    limiters.set(limitClass, redis ? new RateLimiterRedis({ ...base, storeClient: redis, insuranceLimiter: memory, rejectIfRedisNotReady: true }) : memory);
  }
  return {
    store: redis ? 'redis' : 'memory',
    async consume(limitClass, key) {
      try {
        await limiters.get(limitClass)!.consume(key);
        return { isAllowed: true };
      } catch (err) {
        if (err instanceof RateLimiterRes) return { isAllowed: false, retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
        options.onStoreError?.(err);
        return { isAllowed: true }; // both stores failed: fail open, as the reference does
      }
    },
    async close() {
      if (!redis) return;
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect(); // also stops reconnecting to a store that is down
    },
  };
}

/**
 * Connects before the first request so counters are shared from the start. Commands fail at once
 * while disconnected (no offline queue) so the memory fallback answers instead of a hung request;
 * ioredis keeps reconnecting in the background.
 */
async function connectRedis(url: string, options: RateLimiterOptions): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 5_000 });
  let isReported = false;
  client.on('error', (err) => {
    if (isReported) return; // one line per outage, not one per reconnection attempt
    isReported = true;
    options.onStoreError?.(err);
  });
  client.on('ready', () => {
    isReported = false;
  });
  try {
    await client.connect();
  } catch {
    // Reported through the error event; the memory fallback serves until the store is back.
  }
  return client;
}
