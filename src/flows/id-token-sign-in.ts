/**
 * ID-token sign-in and linking (API.md §3.3.10, §3.8.2; FLOWS.md §16): a client signed in with
 * Apple or Google natively and hands us the provider's ID token. Once the token is verified
 * (`src/adapters/oauth/id-token.ts`) its subject is a provider identity like any other, so the
 * rest is P-FLOW (`provider-sign-in.ts`): by link, by trusted e-mail, or a new user.
 */
import { IdTokenError, idTokenProfileOf, idTokenVerifierFor, type IdTokenProviderId } from '../adapters/oauth/id-token.js';
import type { ProviderProfile } from '../adapters/oauth/provider.js';
import { AuthError } from '../errors.js';
import type { AuthContext } from './auth-context.js';
import type { FlowDeps } from './deps.js';
import { linkProviderAccount, signInWithProviderProfile, UNSET_PROVIDER_SESSION } from './provider-sign-in.js';
import type { SignUpOptionsInput } from './rules/sign-up-options.js';
import type { Session } from './session.js';
import { hasuraUserIdOf, isEmailAccepted } from './user-checks.js';

export interface IdTokenInput {
  provider: IdTokenProviderId;
  idToken: string;
  /** The raw nonce; absent = `''`. */
  nonce?: string | undefined;
}

export interface IdTokenSignInInput extends IdTokenInput {
  /** Used only when a user is created. */
  options?: SignUpOptionsInput | undefined;
}

/**
 * Steps 1–3 of §3.3.10: the provider is enabled (`disabled-endpoint`), the token passes every
 * check (`invalid-request`), and names a subject (`oauth-profile-fetch-failed` when empty).
 */
async function verifiedProfile(deps: FlowDeps, input: IdTokenInput): Promise<ProviderProfile> {
  const verifier = idTokenVerifierFor(deps.config, input.provider);
  if (!verifier) throw new AuthError('disabled-endpoint');
  let profile: ProviderProfile;
  try {
    profile = idTokenProfileOf(input.provider, await verifier.verify(input.idToken, input.nonce ?? '', deps.clock.now()));
  } catch (err) {
    if (err instanceof IdTokenError) {
      deps.log.warn({ provider: input.provider, reason: err.message }, 'id token refused');
    } else {
      // The provider's key set could not be fetched or read: our side, not the caller's.
      deps.log.error({ provider: input.provider, err }, 'id token could not be checked');
    }
    throw new AuthError('invalid-request', { cause: err });
  }
  if (profile.id === '') throw new AuthError('oauth-profile-fetch-failed');
  return profile;
}

/**
 * `POST /signin/idtoken`: a session, or null when a new account must verify its address first
 * (the verification e-mail is sent). The token's address passes the allow/block lists on every
 * call, for new and known users alike (CONFIG.md §10).
 */
export async function signInWithIdToken(deps: FlowDeps, input: IdTokenSignInInput): Promise<Session | null> {
  const profile = await verifiedProfile(deps, input);
  if (!isEmailAccepted(deps, profile.email)) throw new AuthError('invalid-email-password');
  const result = await signInWithProviderProfile(deps, {
    provider: input.provider,
    profile,
    options: input.options,
    providerSession: UNSET_PROVIDER_SESSION,
    isSessionWanted: true,
  });
  return result.kind === 'session' ? result.session : null;
}

/**
 * `POST /link/idtoken`: links the token's subject to the caller (elevation is the router's). No
 * allow/block-list check and no match with the account's address (API.md §3.8.2).
 */
export async function linkIdToken(deps: FlowDeps, auth: AuthContext, input: IdTokenInput): Promise<void> {
  const profile = await verifiedProfile(deps, input);
  const userId = hasuraUserIdOf(auth.hasuraUserId);
  await linkProviderAccount(deps, { userId, provider: input.provider, profile, providerSession: UNSET_PROVIDER_SESSION });
}
