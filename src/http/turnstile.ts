import type { FastifyRequest } from 'fastify';
import { TurnstileUnavailableError, type TurnstileVerifier } from '../adapters/turnstile/turnstile.js';
import type { FlowDeps } from '../flows/deps.js';
import type { ClientAddress } from './client-address.js';
import { sendValidationFailure } from './error-response.js';
import type { RequestGuard } from './guard.js';
import { routePathOf } from './rate-limit.js';

/**
 * Paths that need a Turnstile token (API-NEWER.md §2.1, from 0.44.0): sign-ups, passwordless
 * sign-ins and the password-reset request, except the `/verify` and `/callback` steps. The SMS
 * code check (`/signin/passwordless/sms/otp`) is covered as in the reference.
 */
export function isTurnstileProtected(path: string): boolean {
  if (path.endsWith('/verify') || path.endsWith('/callback')) return false;
  return path.startsWith('/signup/') || path.startsWith('/signin/passwordless') || path === '/user/password/reset';
}

/**
 * The Turnstile stage (API.md §1.5 step 3, §1.11.3), with the reference's bodies and statuses:
 * `403` without a token or when Cloudflare refuses it, `500` when Cloudflare cannot be asked.
 */
export function turnstileGuard(verify: TurnstileVerifier, addressOf: (request: FastifyRequest) => ClientAddress, currentDeps: () => FlowDeps): RequestGuard {
  return async (request, reply) => {
    if (!isTurnstileProtected(routePathOf(request.url, currentDeps().config.server.apiPrefix))) return false;
    const header = request.headers['x-cf-turnstile-response'];
    const token = Array.isArray(header) ? header[0] : header;
    if (token === undefined || token === '') {
      sendValidationFailure(reply, 'missing x-cf-turnstile-response header', 403);
      return true;
    }
    try {
      const outcome = await verify(token, addressOf(request).ip);
      if (outcome.isSuccess) return false;
      request.log.warn({ errorCodes: outcome.errorCodes }, 'turnstile refused the request');
      sendValidationFailure(reply, `failed to pass turnstile: [${outcome.errorCodes.join(' ')}]`, 403);
    } catch (err) {
      if (!(err instanceof TurnstileUnavailableError)) throw err;
      request.log.error({ err }, 'turnstile verification failed');
      sendValidationFailure(reply, 'internal server error when attempting to pass turnstile', 500);
    }
    return true;
  };
}
