/** The profile-call conventions of PROVIDERS.md §3.4, shared by every provider file. */
import { ProviderProfileError, type ProviderProfile } from './provider.js';

/** How long any call to a provider (token, profile, OAuth 1 request) may take. */
export const PROVIDER_TIMEOUT_MS = 10_000;

/**
 * `GET url` with `Authorization: Bearer <token>` and `Accept: application/json`; anything but 200
 * or a JSON body fails. The caller maps the document leniently.
 */
export async function getProfileJson(url: string, accessToken: string, headers: Record<string, string> = {}): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', ...headers },
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (err) {
    throw new ProviderProfileError(`profile request to ${new URL(url).origin} failed`, { cause: err });
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new ProviderProfileError(`profile request answered ${response.status}`);
  }
  try {
    return (await response.json()) as unknown;
  } catch (err) {
    throw new ProviderProfileError('profile response is not JSON', { cause: err });
  }
}

/** A JSON object, or a profile failure. */
export function objectOf(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ProviderProfileError(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/** Lenient field readers (missing or mistyped → empty), as the reference decodes profiles. */
export function stringField(doc: Record<string, unknown>, key: string): string {
  const value = doc[key];
  return typeof value === 'string' ? value : '';
}

/** A string id, or a JSON number printed in decimal (GitHub, GitLab, Strava ids). */
export function idField(doc: Record<string, unknown>, key: string): string {
  const value = doc[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return '';
}

/**
 * The profile of a provider that asserts no "verified" claim and whose address counts as verified
 * when present (EV = non-empty, PROVIDERS.md §6.17).
 */
export function unclaimedEmailProfile(fields: {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly avatarUrl: string;
  readonly raw: Readonly<Record<string, unknown>>;
}): ProviderProfile {
  return {
    id: fields.id,
    email: fields.email,
    emailVerified: fields.email !== '',
    emailVerifiedClaim: undefined,
    displayName: fields.displayName,
    avatarUrl: fields.avatarUrl,
    locale: '',
    raw: fields.raw,
  };
}
