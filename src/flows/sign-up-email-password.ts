import { AuthError } from '../errors.js';
import type { FlowDeps } from './deps.js';
import type { SignUpOptionsInput } from './rules/sign-up-options.js';
import { validatePassword } from './password.js';
import { createAccount, resolveSignUpOptions, verifyEmailDelivery } from './sign-up.js';
import type { Session } from './session.js';
import { isEmailAccepted } from './user-checks.js';

export interface SignUpEmailPasswordInput {
  email: string;
  password: string;
  options?: SignUpOptionsInput | undefined;
  codeChallenge?: string | undefined;
}

/** `POST /signup/email-password` (API.md §3.2.1); null when the e-mail must be verified first. */
export async function signUpWithEmailPassword(deps: FlowDeps, input: SignUpEmailPasswordInput): Promise<Session | null> {
  if (deps.config.signUp.disableSignup) throw new AuthError('signup-disabled');
  if (!isEmailAccepted(deps, input.email)) throw new AuthError('invalid-email-password');
  await validatePassword(deps, input.password);
  const options = resolveSignUpOptions(deps, input.options, input.email);
  const passwordHash = await deps.hasher.hash(input.password);
  const result = await createAccount(deps, {
    email: input.email,
    passwordHash,
    options,
    wantsVerification: true,
    deliver: verifyEmailDelivery(deps, input.email, options, input.codeChallenge),
  });
  return result.session;
}
