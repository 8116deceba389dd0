import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LimitClass, RateLimiter } from '../adapters/rate-limit/rate-limiter.js';
import type { FlowDeps } from '../flows/deps.js';
import type { ClientAddress } from './client-address.js';
import type { RequestGuard } from './guard.js';

/** Paths that send an e-mail whatever the settings (API.md §1.11.2). */
const EMAIL_PATHS = new Set(['/signin/passwordless/email', '/user/email/change', '/user/password/reset']);
/** Paths that send an e-mail only while AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED is on. */
const VERIFICATION_EMAIL_PATHS = new Set(['/user/email/send-verification-email', '/signup/email-password', '/user/deanonymize']);
const BRUTE_FORCE_OAUTH2_PATHS = new Set(['/oauth2/authorize', '/oauth2/login']);
const OAUTH2_SERVER_PATHS = new Set(['/oauth2/token', '/oauth2/introspect']);

/**
 * The classes beyond `global` a request counts in, from its path without AUTH_API_PREFIX
 * (API.md §1.11.2 with API-NEWER.md §2.1). Unlike the reference (API.md quirk), sign-ups and brute
 * force keep separate counters: each class here is its own limiter.
 */
export function limitClassesOf(path: string, isEmailVerificationRequired: boolean): LimitClass[] {
  const classes: LimitClass[] = [];
  if (EMAIL_PATHS.has(path) || (isEmailVerificationRequired && VERIFICATION_EMAIL_PATHS.has(path))) classes.push('email');
  if (path === '/signin/passwordless/sms') classes.push('sms');
  if (path.startsWith('/signin') || path.endsWith('/verify') || path.endsWith('/otp') || BRUTE_FORCE_OAUTH2_PATHS.has(path)) classes.push('bruteForce');
  if (path.startsWith('/signup')) classes.push('signups');
  if (OAUTH2_SERVER_PATHS.has(path)) classes.push('oauth2Server');
  return classes;
}

/** The request path without its query string and without AUTH_API_PREFIX. */
export function routePathOf(url: string, apiPrefix: string): string {
  const path = url.split('?')[0] ?? '';
  if (apiPrefix !== '' && (path === apiPrefix || path.startsWith(`${apiPrefix}/`))) return path.slice(apiPrefix.length) || '/';
  return path;
}

/**
 * The limiter stage (API.md §1.5 step 2). A refusal answers `429` with an empty body, as the
 * reference does, plus `Retry-After`. The global class is consulted first and stops at once;
 * the others are all counted, as in the reference, and any refusal refuses the request.
 */
export function rateLimitGuard(limiter: RateLimiter, addressOf: (request: FastifyRequest) => ClientAddress, currentDeps: () => FlowDeps): RequestGuard {
  return async (request, reply) => {
    const { config } = currentDeps();
    const { bucket } = addressOf(request);
    const global = await limiter.consume('global', bucket);
    if (!global.isAllowed) return refuse(reply, global.retryAfterSeconds);
    const path = routePathOf(request.url, config.server.apiPrefix);
    const classes = limitClassesOf(path, config.signUp.emailVerifiedRequired);
    let retryAfterSeconds = 0;
    for (const limitClass of classes) {
      const key = limitClass === 'email' && config.rateLimit.email.isGlobal ? 'global' : bucket;
      const decision = await limiter.consume(limitClass, key);
      if (!decision.isAllowed) retryAfterSeconds = Math.max(retryAfterSeconds, decision.retryAfterSeconds);
    }
    return retryAfterSeconds > 0 ? refuse(reply, retryAfterSeconds) : false;
  };
}

function refuse(reply: FastifyReply, retryAfterSeconds: number): true {
  reply.code(429).header('retry-after', String(retryAfterSeconds)).send();
  return true;
}
