/**
 * Sign in with Apple (PROVIDERS.md §6.1). OpenID Connect with Apple's quirks:
 * - the client secret is a JWT we sign (apple-client-secret.ts), sent in the token request body;
 * - `response_mode=form_post`: the callback arrives as a POST form with `code`, `state` and, on
 *   the first consent only, `user` (JSON with the person's name);
 * - the identity is the ID token of the token response (server-to-server, bound to our nonce),
 *   checked by the engine: signature from the configured JWKS, issuer pinned, audience = the
 *   Services ID, expiry, nonce. The reference read the ID token posted by the browser instead
 *   (compat B31);
 * - `email_verified` (and `is_private_email`) arrive as booleans or as the strings "true"/"false".
 */
import type { Config } from '../../config/types.js';
import { createAppleClientSecret } from './apple-client-secret.js';
import { createOAuth2Provider, type OAuth2Spec } from './oauth2.js';
import { stringField } from './profile-http.js';
import { ProviderProfileError, type CallbackParams, type OAuthProvider, type ProviderProfile } from './provider.js';

/** Apple's boolean claims: JSON booleans, or the strings "true"/"false" in some tokens. */
export function appleBoolean(value: unknown): boolean {
  return value === true || value === 'true';
}

/** The `user` form field of the first consent: `{"name":{"firstName":…,"lastName":…},"email":…}`. */
function nameParts(user: string | undefined): { firstName: string; lastName: string } {
  if (!user) return { firstName: '', lastName: '' };
  try {
    const parsed: unknown = JSON.parse(user);
    const name = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>)['name'] : undefined;
    if (name === null || typeof name !== 'object') return { firstName: '', lastName: '' };
    const fields = name as Record<string, unknown>;
    return { firstName: stringField(fields, 'firstName'), lastName: stringField(fields, 'lastName') };
  } catch {
    // A malformed name is not worth failing the sign-in for: it is informational.
    return { firstName: '', lastName: '' };
  }
}

/**
 * The reference's display name: the e-mail address, replaced by the first name and followed by
 * the last name when Apple sent them (so a lone last name yields `"<email> <lastName>"`).
 */
export function appleDisplayName(email: string, user: string | undefined): string {
  const { firstName, lastName } = nameParts(user);
  let name = firstName !== '' ? firstName : email;
  if (lastName !== '') name = `${name} ${lastName}`;
  return name;
}

/** Validated ID-token claims + the callback → profile. */
export function appleProfileOf(claims: Readonly<Record<string, unknown>>, callback: CallbackParams): ProviderProfile {
  const email = claims['email'];
  if (typeof email !== 'string') throw new ProviderProfileError('apple: the ID token has no email claim');
  const claim = claims['email_verified'];
  return {
    id: typeof claims['sub'] === 'string' ? claims['sub'] : '',
    email,
    emailVerified: email !== '' && appleBoolean(claim),
    emailVerifiedClaim: claim,
    displayName: appleDisplayName(email, callback.user),
    avatarUrl: '',
    locale: '',
    raw: { ...claims },
  };
}

/** One spec per configuration: the client-secret cache belongs to it. */
function appleSpec(config: Config, nowMs?: () => number): OAuth2Spec | null {
  const p = config.providers.apple;
  if (!p.enabled) return null;
  const currentSecret = createAppleClientSecret({ teamId: p.teamId, keyId: p.keyId, clientId: p.clientId, privateKeyPem: p.privateKeyPem, audience: p.issuer }, nowMs);
  return {
    id: 'apple',
    settings: () => ({
      clientId: p.clientId,
      clientSecret: '',
      scopes: p.scopes,
      authorizationUrl: p.authorizationUrl,
      tokenUrl: p.tokenUrl,
      userProfileUrl: '',
      issuer: p.issuer,
      jwksUrl: p.jwksUrl,
    }),
    currentClientSecret: currentSecret,
    // Apple documents client_id and client_secret in the token request body.
    clientAuth: 'post',
    // Apple does not document PKCE; the one-time code is bound to our client secret instead.
    usesPkce: false,
    isOpenIdConnect: true,
    // Apple requires form_post whenever name or email is requested.
    extraAuthorizationParams: () => ({ response_mode: 'form_post' }),
    async fetchProfile({ tokens, callback }): Promise<ProviderProfile> {
      if (!tokens.idTokenClaims) throw new ProviderProfileError('apple: the token response has no ID token');
      return appleProfileOf(tokens.idTokenClaims, callback);
    },
  };
}

/** The Apple provider for `config`, or null when disabled. `nowMs` is for tests of the secret's renewal. */
export function createAppleProvider(config: Config, nowMs?: () => number): OAuthProvider | null {
  const spec = appleSpec(config, nowMs);
  const provider = spec ? createOAuth2Provider(spec, config) : null;
  return provider ? { ...provider, usesFormPost: true } : null;
}
