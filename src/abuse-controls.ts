import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { createRateLimiter, type RateLimiter } from './adapters/rate-limit/rate-limiter.js';
import { createTurnstileVerifier } from './adapters/turnstile/turnstile.js';
import type { Config } from './config/load.js';
import type { FlowDeps } from './flows/deps.js';
import { createAddressResolver } from './http/client-address.js';
import type { RequestGuard } from './http/guard.js';
import { rateLimitGuard } from './http/rate-limit.js';
import { turnstileGuard } from './http/turnstile.js';

export interface AbuseControls {
  /** Rate limiter, then Turnstile (API.md §1.5 steps 2–3); each only when configured. */
  readonly guards: readonly RequestGuard[];
  close(): Promise<void>;
}

/**
 * Chooses the rate-limit store and the Turnstile verifier (part of the wiring in `app.ts`). Both
 * see the client through AUTH_TRUSTED_PROXIES only.
 */
export async function createAbuseControls(config: Config, log: Logger, currentDeps: () => FlowDeps): Promise<AbuseControls> {
  const resolve = createAddressResolver(config.server.trustedProxies);
  const addressOf = (request: FastifyRequest) => resolve({ peer: request.socket.remoteAddress, headers: request.headers });
  const guards: RequestGuard[] = [];
  let limiter: RateLimiter | null = null;
  if (config.rateLimit.enabled) {
    if (config.rateLimit.memcache.server !== '' && config.rateLimit.redisUrl === '') {
      log.warn(
        { memcacheServer: config.rateLimit.memcache.server },
        'AUTH_RATE_LIMIT_MEMCACHE_SERVER is not supported by Latchkey: rate-limit counters are kept in this process only; set AUTH_RATE_LIMIT_REDIS_URL to share them between instances',
      );
    }
    limiter = await createRateLimiter(config.rateLimit, {
      onStoreError: (err) => log.error({ err }, 'rate-limit store failed: counting in this process until it is back'),
    });
    log.info({ store: limiter.store }, 'rate limiting is on');
    guards.push(rateLimitGuard(limiter, addressOf, currentDeps));
  }
  if (config.turnstile.enabled) {
    guards.push(turnstileGuard(createTurnstileVerifier({ secret: config.turnstile.secret, verifyUrl: config.turnstile.verifyUrl }), addressOf, currentDeps));
  }
  return {
    guards,
    close: async () => limiter?.close(),
  };
}
