import { createHmac } from 'node:crypto';
import type { Schemas } from '../../contract/types.js';
import { PUBLIC_KEY_ALGORITHMS, type RelyingParty } from '../../adapters/webauthn/webauthn.js';

export type CreationOptions = Schemas['PublicKeyCredentialCreationOptions'];
export type RequestOptions = Schemas['PublicKeyCredentialRequestOptions'];

function descriptors(credentialIds: readonly string[]): { type: 'public-key'; id: string }[] {
  return credentialIds.map((id) => ({ type: 'public-key' as const, id }));
}

/**
 * Options for `navigator.credentials.create()` exactly as the reference shapes them (API.md
 * §2.9.1). `user.id` is the UUID as text: clients treat it as base64url and authenticators give
 * it back as `userHandle`, which existing credentials depend on.
 */
export function buildCreationOptions(input: {
  rp: RelyingParty;
  user: { id: string; name: string };
  challenge: string;
  timeoutMs: number;
  excludeCredentialIds?: readonly string[];
}): CreationOptions {
  const options: CreationOptions = {
    rp: { name: input.rp.name, id: input.rp.id },
    user: { name: input.user.name, displayName: input.user.name, id: input.user.id },
    challenge: input.challenge,
    pubKeyCredParams: PUBLIC_KEY_ALGORITHMS.map((alg) => ({ type: 'public-key' as const, alg })),
    timeout: input.timeoutMs,
    authenticatorSelection: { requireResidentKey: false, residentKey: 'preferred', userVerification: 'preferred' },
    attestation: 'indirect',
  };
  // Omitted, not empty, when there is nothing to exclude.
  if (input.excludeCredentialIds && input.excludeCredentialIds.length > 0) options.excludeCredentials = descriptors(input.excludeCredentialIds);
  return options;
}

/**
 * Options for `navigator.credentials.get()` (API.md §2.9.2); `allowCredentials` is omitted for a
 * discoverable-credential sign-in, where the authenticator picks the account.
 */
export function buildRequestOptions(input: { rp: RelyingParty; challenge: string; timeoutMs: number; allowCredentialIds?: readonly string[] }): RequestOptions {
  const options: RequestOptions = { challenge: input.challenge, timeout: input.timeoutMs, rpId: input.rp.id, userVerification: 'preferred' };
  if (input.allowCredentialIds !== undefined) options.allowCredentials = descriptors(input.allowCredentialIds);
  return options;
}

/**
 * The credential id offered for an e-mail that has no keys (unknown, or an account without any):
 * stable per address (an HMAC under a server secret), so asking twice answers the same, and shaped
 * like a real one, so the answer does not tell such an e-mail from an account with a passkey.
 */
export function decoyCredentialIds(secret: Uint8Array, email: string): string[] {
  const mac = createHmac('sha256', secret).update(`latchkey:webauthn-decoy:${email.trim().toLowerCase()}`).digest();
  return [mac.toString('base64url')];
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The user id inside an assertion's `userHandle` (FLOWS.md §13.4): the UUID as text, or that text
 * base64url-encoded by a client that encoded it once more. Null when it is neither.
 */
export function userIdOfUserHandle(userHandle: string | null | undefined): string | null {
  if (typeof userHandle !== 'string' || userHandle === '') return null;
  if (UUID_TEXT.test(userHandle)) return userHandle.toLowerCase();
  const decoded = Buffer.from(userHandle, 'base64url').toString('utf8');
  return UUID_TEXT.test(decoded) ? decoded.toLowerCase() : null;
}
