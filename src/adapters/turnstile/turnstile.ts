/** Cloudflare's answer to a Turnstile token. */
export interface TurnstileOutcome {
  readonly isSuccess: boolean;
  /** Cloudflare's `error-codes`, e.g. `invalid-input-response`. */
  readonly errorCodes: readonly string[];
}

/** Verifies a Turnstile token (`X-Cf-Turnstile-Response`) with Cloudflare's siteverify. */
export type TurnstileVerifier = (token: string, remoteIp: string) => Promise<TurnstileOutcome>;

/** siteverify could not be reached or answered something that is not a verdict. */
export class TurnstileUnavailableError extends Error {
  override readonly name = 'TurnstileUnavailableError';
}

export interface TurnstileOptions {
  secret: string;
  /** AUTH_TURNSTILE_VERIFY_URL */
  verifyUrl: string;
  timeoutMs?: number;
}

/**
 * POSTs `{secret, response, remoteip}` as JSON, as the reference does (CONFIG.md §18) but encoded
 * properly (the reference concatenated strings) and with the client address Cloudflare recommends.
 */
export function createTurnstileVerifier(options: TurnstileOptions): TurnstileVerifier {
  return async (token, remoteIp) => {
    let reply: unknown;
    try {
      const res = await fetch(options.verifyUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ secret: options.secret, response: token, remoteip: remoteIp }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      reply = await res.json();
    } catch (err) {
      throw new TurnstileUnavailableError('siteverify could not be reached or did not answer JSON', { cause: err });
    }
    if (typeof reply !== 'object' || reply === null || typeof (reply as { success?: unknown }).success !== 'boolean') {
      throw new TurnstileUnavailableError('siteverify answered without a success field');
    }
    const { success, 'error-codes': codes } = reply as { success: boolean; 'error-codes'?: unknown };
    const errorCodes = Array.isArray(codes) ? codes.filter((c): c is string => typeof c === 'string') : [];
    return { isSuccess: success, errorCodes };
  };
}
