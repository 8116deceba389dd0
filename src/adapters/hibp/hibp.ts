import { createHash } from 'node:crypto';

/** The range API could not be asked, or kept answering 429. */
export class HibpUnavailableError extends Error {
  override readonly name = 'HibpUnavailableError';
}

export interface HibpOptions {
  /** AUTH_PASSWORD_HIBP_API_URL, e.g. https://api.pwnedpasswords.com */
  baseUrl: string;
  /** Pause before retrying a 429 (the reference waits 3 s, MESSAGES.md §10). */
  retryDelayMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const RETRIES_ON_429 = 3;

/**
 * Pwned Passwords range check (k-anonymity, MESSAGES.md §10): only the first five hex characters
 * of the password's SHA-1 leave the server. Unlike the reference we ask for padding
 * (`Add-Padding: true`), so the size of the answer does not hint at the prefix either; padding
 * lines carry a count of 0 and are ignored. Resolves true when the password is listed.
 */
export function createHibpCheck(options: HibpOptions): (password: string) => Promise<boolean> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const base = options.baseUrl.replace(/\/+$/, '');
  return async (password) => {
    const hash = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
    const prefix = hash.slice(0, 5);
    const suffix = hash.slice(5);
    const body = await fetchRange(`${base}/range/${prefix}`, options, sleep);
    return body.split(/\r?\n/).some((line) => {
      const [lineSuffix, count] = line.trim().split(':');
      return lineSuffix?.toUpperCase() === suffix && Number(count) > 0;
    });
  };
}

async function fetchRange(url: string, options: HibpOptions, sleep: (ms: number) => Promise<void>): Promise<string> {
  for (let attempt = 0; ; attempt += 1) {
    let res: Response;
    try {
      res = await fetch(url, { headers: { 'add-padding': 'true' }, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
    } catch (err) {
      throw new HibpUnavailableError('the Pwned Passwords API could not be reached', { cause: err });
    }
    if (res.status === 200) return res.text();
    await res.body?.cancel();
    if (res.status !== 429 || attempt >= RETRIES_ON_429) throw new HibpUnavailableError(`the Pwned Passwords API answered ${res.status}`);
    await sleep(options.retryDelayMs ?? 3_000);
  }
}
