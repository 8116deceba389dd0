import { AuthError } from '../errors.js';
import { hasSecurityKeyByCredentialId, insertSecurityKey } from '../store/security-keys.js';
import type { FlowDeps } from './deps.js';
import type { SignUpOptionsInput, ValidatedSignUpOptions } from './rules/sign-up-options.js';
import { buildCreationOptions, type CreationOptions } from './rules/webauthn-options.js';
import type { Session } from './session.js';
import { createAccount, resolveSignUpOptions, verifyEmailDelivery } from './sign-up.js';
import { isEmailAccepted } from './user-checks.js';
import { assertWebauthnEnabled, consumeChallenge, issueChallenge, relyingParty, verifyAttestation, type CreationCredential } from './webauthn-ceremony.js';

/** `POST /signup/webauthn` (API.md §3.2.2): options for a new user id; nothing is written but the challenge. */
export async function beginWebauthnSignUp(deps: FlowDeps, input: { email: string; options?: SignUpOptionsInput | undefined }): Promise<CreationOptions> {
  assertWebauthnEnabled(deps);
  if (deps.config.signUp.disableSignup) throw new AuthError('signup-disabled');
  // The options are checked before the access lists here, unlike e-mail and password sign-up.
  const options = resolveSignUpOptions(deps, input.options, input.email);
  if (!isEmailAccepted(deps, input.email)) throw new AuthError('invalid-email-password');
  const userId = deps.random.uuid();
  const challenge = await issueChallenge(deps, deps.db, { ceremony: 'signup', userId, email: input.email, options });
  return buildCreationOptions({ rp: relyingParty(deps), user: { id: userId, name: options.displayName }, challenge, timeoutMs: deps.config.webauthn.timeoutMs });
}

const OPTION_FIELDS = ['allowedRoles', 'defaultRole', 'displayName', 'locale', 'metadata', 'redirectTo'] as const;

/**
 * The reference's inverted merge (API.md §3.2.3 step 5, kept): a field the verify request names
 * keeps the value stored at the start, a field it omits falls back to its default.
 */
function mergeOptionsInverted(stored: ValidatedSignUpOptions, request: SignUpOptionsInput): SignUpOptionsInput {
  const merged: Record<string, unknown> = {};
  for (const field of OPTION_FIELDS) {
    const value = stored[field];
    if (request[field] !== undefined && value !== null) merged[field] = value;
  }
  return merged as SignUpOptionsInput;
}

export interface FinishWebauthnSignUpInput {
  credential: CreationCredential;
  options?: SignUpOptionsInput | undefined;
  nickname?: string | undefined;
  codeChallenge?: string | undefined;
}

/** `POST /signup/webauthn/verify` (API.md §3.2.3): null when the e-mail must be verified first. */
export async function finishWebauthnSignUp(deps: FlowDeps, input: FinishWebauthnSignUpInput): Promise<Session | null> {
  assertWebauthnEnabled(deps);
  if (deps.config.signUp.disableSignup) throw new AuthError('signup-disabled');
  const challenge = await consumeChallenge(deps, input.credential, 'signup');
  const email = challenge.email;
  const stored = challenge.options as ValidatedSignUpOptions | null;
  if (email === null || stored === null || challenge.userId === null) throw new AuthError('invalid-request');
  const options = input.options === undefined ? stored : resolveSignUpOptions(deps, mergeOptionsInverted(stored, input.options), email);
  const key = await verifyAttestation(deps, input.credential, challenge);
  // A credential already registered (to anyone) cannot make a new account.
  if (await hasSecurityKeyByCredentialId(deps.db, key.credentialId)) throw new AuthError('invalid-request');
  const result = await createAccount(deps, {
    id: challenge.userId,
    email,
    passwordHash: null,
    options,
    wantsVerification: true,
    insertExtras: async (tx, user) => {
      await insertSecurityKey(tx, { userId: user.id, credentialId: key.credentialId, credentialPublicKey: key.publicKey, counter: key.counter, nickname: input.nickname ?? '' });
    },
    deliver: verifyEmailDelivery(deps, email, options, input.codeChallenge),
  });
  return result.session;
}
