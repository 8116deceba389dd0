import { Secret, TOTP } from 'otpauth';

/**
 * TOTP as the reference configures it (TOKENS.md §10.4, RFC 6238): HMAC-SHA-1, six digits,
 * 30-second steps, and the previous and next step accepted besides the current one. Time always
 * comes from the caller (the flow passes `deps.clock`), so tests control it.
 */
const ALGORITHM = 'SHA1';
const DIGITS = 6;
const PERIOD_SECONDS = 30;
const ACCEPTED_STEPS_EITHER_SIDE = 1;
/** The reference draws 32 random bytes: 52 base32 characters. */
export const TOTP_SECRET_BYTES = 32;

const CODE_SHAPE = /^[0-9]{6}$/;

/** The base32 form (RFC 4648, upper case, no padding) of raw secret bytes. */
export function encodeTotpSecret(bytes: Uint8Array): string {
  return new Secret({ buffer: Uint8Array.from(bytes).buffer }).base32;
}

function totpFor(secretBase32: string): TOTP {
  return new TOTP({ secret: Secret.fromBase32(secretBase32), algorithm: ALGORITHM, digits: DIGITS, period: PERIOD_SECONDS });
}

/** The code an authenticator app shows at `now`. */
export function totpCodeAt(secretBase32: string, now: Date): string {
  return totpFor(secretBase32).generate({ timestamp: now.getTime() });
}

/**
 * Whether `code` is a valid code of the secret at `now` (±1 step). Anything but six ASCII digits
 * is simply wrong, and so is a stored secret that is not base32 (never an exception: callers map
 * false to `invalid-totp`). The comparison itself is constant-time inside `otpauth`.
 */
export function isTotpCodeValid(secretBase32: string, code: string, now: Date): boolean {
  if (!CODE_SHAPE.test(code)) return false;
  let totp: TOTP;
  try {
    totp = totpFor(secretBase32);
  } catch {
    return false;
  }
  return totp.validate({ token: code, timestamp: now.getTime(), window: ACCEPTED_STEPS_EITHER_SIDE }) !== null;
}

/**
 * Go's URL escaping as the reference's TOTP library applies it: unreserved characters stay, the
 * path also keeps the sub-delimiters Go allows there, everything else is percent-encoded (UTF-8),
 * so a space becomes `%20` in both parts.
 */
function escapeUriPart(value: string, keep: RegExp): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && keep.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const PATH_KEEPS = /[A-Za-z0-9\-_.~$&+,/:;=@]/;
const QUERY_KEEPS = /[A-Za-z0-9\-_.~]/;

/**
 * The key URI authenticator apps read (TOKENS.md §10.4):
 * `otpauth://totp/<issuer>:<account>?algorithm=SHA1&digits=6&issuer=<issuer>&period=30&secret=<secret>`,
 * query keys in alphabetical order.
 */
export function totpKeyUri(input: { issuer: string; account: string; secretBase32: string }): string {
  const label = escapeUriPart(`${input.issuer}:${input.account}`, PATH_KEEPS);
  const query = [
    ['algorithm', ALGORITHM],
    ['digits', String(DIGITS)],
    ['issuer', input.issuer],
    ['period', String(PERIOD_SECONDS)],
    ['secret', input.secretBase32],
  ].map(([key, value]) => `${key}=${escapeUriPart(value!, QUERY_KEEPS)}`).join('&');
  return `otpauth://totp/${label}?${query}`;
}
