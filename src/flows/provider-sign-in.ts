/**
 * P-FLOW (API.md §3.3.13, PROVIDERS.md §4): a provider identity becomes a signed-in user. Shared by
 * the OAuth callback and ID-token sign-in: find by link → else link by e-mail (guarded) → else sign
 * up. Also linking an identity to a known user (`connect`, `POST /link/idtoken`).
 */
import { isEmailVerificationTrusted } from '../adapters/oauth/email-trust.js';
import type { ProviderProfile } from '../adapters/oauth/provider.js';
import type { ProviderId } from '../config/types.js';
import { AuthError } from '../errors.js';
import { isUniqueViolation, type Queryable } from '../store/db.js';
import { findUserIdByProviderAccount, insertUserProvider, updateUserProviderAccessToken } from '../store/user-providers.js';
import { findUserByEmail, findUserById, type UserRow } from '../store/users.js';
import type { FlowDeps } from './deps.js';
import type { SignUpOptionsInput } from './rules/sign-up-options.js';
import { issueSession, type Session } from './session.js';
import { createAccount, resolveSignUpOptions, verifyEmailDelivery } from './sign-up.js';
import { checkUser, isEmailAccepted, userStateError } from './user-checks.js';

/** `auth.user_providers.access_token` of links made without a provider session (ID tokens). */
export const UNSET_PROVIDER_SESSION = 'unset';

export interface ProviderSignInInput {
  provider: ProviderId;
  profile: ProviderProfile;
  /** Sign-up options of the request (or the OAuth state); validated only when a user is created. */
  options: SignUpOptionsInput | undefined;
  /** What to store in `user_providers.access_token`: a sealed provider session, or `'unset'`. */
  providerSession: string;
  /** False for PKCE: the user is resolved or created, and the caller issues a one-time code. */
  isSessionWanted: boolean;
  /** PKCE challenge carried into the verification link of a new unverified user. */
  codeChallenge?: string | undefined;
}

export type ProviderSignInResult =
  /** Signed in (or signed up) with a session. */
  | { kind: 'session'; user: UserRow; session: Session }
  /** Signed in without a session because the caller asked for none (PKCE). */
  | { kind: 'user'; user: UserRow }
  /** Signed up; the address must be verified first and the verification e-mail was sent. */
  | { kind: 'verification-pending'; user: UserRow };

async function signInExisting(deps: FlowDeps, tx: Queryable, user: UserRow, isSessionWanted: boolean): Promise<ProviderSignInResult> {
  if (!isSessionWanted) return { kind: 'user', user };
  return { kind: 'session', user, session: await issueSession(deps, tx, user) };
}

/** Step 1: an existing link. The user's fields are not updated from the profile (PROVIDERS.md §4.1). */
async function signInByLink(deps: FlowDeps, input: ProviderSignInInput): Promise<ProviderSignInResult | null> {
  const { provider, profile } = input;
  const userId = await findUserIdByProviderAccount(deps.db, provider, profile.id);
  if (userId === null) return null;
  return deps.db.transaction(async (tx) => {
    const user = await findUserById(tx, userId);
    if (!user) throw new AuthError('internal-server-error');
    checkUser(deps, user, 'optional');
    if (input.providerSession !== UNSET_PROVIDER_SESSION) {
      await updateUserProviderAccessToken(tx, { providerId: provider, providerUserId: profile.id, accessToken: input.providerSession, now: deps.clock.now() });
    }
    return signInExisting(deps, tx, user, input.isSessionWanted);
  });
}

/**
 * Step 2: an account with the profile's address. Linked only when the provider vouches for the
 * address by a claim we trust AND the account's own address is verified (compat S26);
 * otherwise `email-already-in-use`, so nobody takes over an account by showing its address at a
 * provider. A user failing V-USER gets `internal-server-error`, as in the reference (Quirk keep).
 */
async function signInByEmail(deps: FlowDeps, input: ProviderSignInInput): Promise<ProviderSignInResult | null> {
  const { provider, profile } = input;
  if (profile.email === '') return null;
  const user = await findUserByEmail(deps.db, profile.email);
  if (!user) return null;
  const isTrusted = isEmailVerificationTrusted(provider, profile.email, profile.emailVerifiedClaim);
  if (!isTrusted || !user.emailVerified) {
    deps.log.warn({ provider, isProviderClaimTrusted: isTrusted, isAccountVerified: user.emailVerified }, 'provider sign-in refused to link an existing account by e-mail');
    throw new AuthError('email-already-in-use');
  }
  if (userStateError(deps, user) !== null) throw new AuthError('internal-server-error');
  return deps.db.transaction(async (tx) => {
    await linkOrFail(deps, tx, user.id, input, 'invalid-request');
    return signInExisting(deps, tx, user, input.isSessionWanted);
  });
}

/** Step 3: a new user (PROVIDERS.md §4.2). */
async function signUpFromProfile(deps: FlowDeps, input: ProviderSignInInput): Promise<ProviderSignInResult> {
  const { profile } = input;
  if (deps.config.signUp.disableSignup) throw new AuthError('signup-disabled');
  if (profile.email !== '' && !isEmailAccepted(deps, profile.email)) throw new AuthError('invalid-email-password');
  const requested = input.options ?? {};
  const withName = requested.displayName === undefined && profile.displayName !== '' ? { ...requested, displayName: profile.displayName } : requested;
  const options = resolveSignUpOptions(deps, withName, profile.id);
  const email = profile.email === '' ? null : profile.email;
  const wantsVerification = email !== null && !profile.emailVerified;
  const isPending = wantsVerification && deps.config.signUp.emailVerifiedRequired;
  const result = await createAccount(deps, {
    email,
    emailVerified: email !== null && profile.emailVerified,
    avatarUrl: profile.avatarUrl,
    passwordHash: null,
    options,
    wantsVerification,
    isWithoutSession: !input.isSessionWanted,
    insertExtras: (tx, user) => linkOrFail(deps, tx, user.id, input, 'invalid-request'),
    deliver: verifyEmailDelivery(deps, email, options, input.codeChallenge),
  });
  if (result.session) return { kind: 'session', user: result.user, session: result.session };
  return isPending ? { kind: 'verification-pending', user: result.user } : { kind: 'user', user: result.user };
}

/** P-FLOW: the user for a provider identity, signed in, linked or created. Throws AuthError. */
export async function signInWithProviderProfile(deps: FlowDeps, input: ProviderSignInInput): Promise<ProviderSignInResult> {
  if (input.profile.id === '') throw new AuthError('oauth-profile-fetch-failed');
  return (await signInByLink(deps, input)) ?? (await signInByEmail(deps, input)) ?? signUpFromProfile(deps, input);
}

async function linkOrFail(deps: FlowDeps, tx: Queryable, userId: string, input: Pick<ProviderSignInInput, 'provider' | 'profile' | 'providerSession'>, clash: 'invalid-request' | 'provider-account-already-linked'): Promise<void> {
  try {
    await insertUserProvider(tx, { userId, providerId: input.provider, providerUserId: input.profile.id, accessToken: input.providerSession, now: deps.clock.now() });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AuthError(clash, { cause: err });
    throw err;
  }
}

/**
 * Links a provider identity to a signed-in user (`connect`, `POST /link/idtoken`): V-USER on the
 * user, then the link; the identity already linked to anyone → `provider-account-already-linked`.
 */
export async function linkProviderAccount(deps: FlowDeps, input: { userId: string; provider: ProviderId; profile: ProviderProfile; providerSession: string }): Promise<void> {
  if (input.profile.id === '') throw new AuthError('oauth-profile-fetch-failed');
  await deps.db.transaction(async (tx) => {
    const user = await findUserById(tx, input.userId);
    if (!user) throw new AuthError('invalid-email-password');
    checkUser(deps, user);
    await linkOrFail(deps, tx, user.id, input, 'provider-account-already-linked');
  });
}
