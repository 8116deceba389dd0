/**
 * WebAuthn verification on top of `@simplewebauthn/server`: attestation at registration, assertion
 * at authentication. Stateless: challenges are stored by the flows, which hand the expected value
 * in. Every failure is a `WebauthnError`, which the flows answer with `invalid-request`.
 */
import { verifyAuthenticationResponse, verifyRegistrationResponse } from '@simplewebauthn/server';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';

/** A credential the browser sent could not be parsed or did not verify. */
export class WebauthnError extends Error {
  override readonly name = 'WebauthnError';
}

/** The relying party every ceremony is checked against (AUTH_WEBAUTHN_RP_*). */
export interface RelyingParty {
  id: string;
  name: string;
  /** Allowed client-data origins, as configured (`scheme://host[:port]`). */
  origins: readonly string[];
}

/** COSE algorithms offered and accepted, in the reference's order (API.md §2.9.1). */
export const PUBLIC_KEY_ALGORITHMS: readonly number[] = [-7, -35, -36, -257, -258, -259, -37, -38, -39, -8];

/** Binary fields arrive as base64url, sometimes padded or in the standard alphabet. */
export function toBase64Url(value: string): string {
  return value.replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_');
}

interface ClientData {
  type: string;
  challenge: string;
  origin: string;
}

/** Decodes `clientDataJSON` far enough to find the challenge to look up (API.md §1.12.10). */
export function parseClientData(clientDataJSON: string): ClientData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(toBase64Url(clientDataJSON), 'base64url').toString('utf8'));
  } catch (err) {
    throw new WebauthnError('clientDataJSON is not base64url-encoded JSON', { cause: err });
  }
  const data = parsed as Partial<Record<keyof ClientData, unknown>> | null;
  if (typeof data !== 'object' || data === null || typeof data.challenge !== 'string' || typeof data.type !== 'string' || typeof data.origin !== 'string') {
    throw new WebauthnError('clientDataJSON lacks type, challenge or origin');
  }
  return { type: data.type, challenge: data.challenge, origin: data.origin };
}

/**
 * The client-data origin reduced to `scheme://host[:port]` must equal an allowed origin,
 * ignoring case (FLOWS.md §13.1). Returns the origin as sent, for the library's exact comparison.
 */
function allowedOrigin(origin: string, allowed: readonly string[]): string {
  let reduced: string;
  try {
    reduced = new URL(origin).origin.toLowerCase();
  } catch {
    throw new WebauthnError('client-data origin is not a URL');
  }
  if (!allowed.some((entry) => entry.toLowerCase() === reduced)) throw new WebauthnError(`origin ${origin} is not allowed`);
  return origin;
}

function withCanonicalIds<T extends { id: string; rawId: string }>(credential: T): T {
  return { ...credential, id: toBase64Url(credential.id), rawId: toBase64Url(credential.rawId) };
}

export interface VerifiedRegistration {
  /** Unpadded base64url of the raw credential id, as stored. */
  credentialId: string;
  /** COSE_Key bytes. */
  publicKey: Buffer;
  counter: number;
}

/**
 * Verifies an attestation (type `webauthn.create`, challenge, origin, RP id hash, user presence,
 * algorithm, attestation statement). User verification is preferred, not required, as in the
 * reference.
 */
export async function verifyRegistration(input: { credential: unknown; expectedChallenge: string; rp: RelyingParty }): Promise<VerifiedRegistration> {
  const credential = withCanonicalIds(input.credential as RegistrationResponseJSON);
  try {
    const origin = allowedOrigin(parseClientData(credential.response.clientDataJSON).origin, input.rp.origins);
    const result = await verifyRegistrationResponse({
      response: credential,
      expectedChallenge: input.expectedChallenge,
      expectedOrigin: origin,
      expectedRPID: input.rp.id,
      requireUserPresence: true,
      requireUserVerification: false,
      supportedAlgorithmIDs: [...PUBLIC_KEY_ALGORITHMS],
    });
    if (!result.verified) throw new WebauthnError('attestation did not verify');
    const { credential: verified } = result.registrationInfo;
    return { credentialId: toBase64Url(verified.id), publicKey: Buffer.from(verified.publicKey), counter: verified.counter };
  } catch (err) {
    if (err instanceof WebauthnError) throw err;
    throw new WebauthnError('attestation refused', { cause: err });
  }
}

/**
 * Verifies an assertion (type `webauthn.get`, challenge, origin, RP id hash, user presence,
 * signature) with the stored key. A counter that does not move forward is refused (a cloned
 * authenticator or a replayed assertion), unless the authenticator does not count at all (0/0).
 */
export async function verifyAssertion(input: {
  credential: unknown;
  expectedChallenge: string;
  rp: RelyingParty;
  key: { credentialId: string; publicKey: Buffer; counter: number };
}): Promise<{ newCounter: number }> {
  const credential = withCanonicalIds(input.credential as AuthenticationResponseJSON);
  try {
    const origin = allowedOrigin(parseClientData(credential.response.clientDataJSON).origin, input.rp.origins);
    const result = await verifyAuthenticationResponse({
      response: credential,
      expectedChallenge: input.expectedChallenge,
      expectedOrigin: origin,
      expectedRPID: input.rp.id,
      credential: { id: input.key.credentialId, publicKey: new Uint8Array(input.key.publicKey), counter: input.key.counter },
      requireUserVerification: false,
    });
    if (!result.verified) throw new WebauthnError('assertion did not verify');
    return { newCounter: result.authenticationInfo.newCounter };
  } catch (err) {
    if (err instanceof WebauthnError) throw err;
    throw new WebauthnError('assertion refused', { cause: err });
  }
}
