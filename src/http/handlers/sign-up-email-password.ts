import { signUpWithEmailPassword } from '../../flows/sign-up-email-password.js';
import type { Handler } from '../handler.js';

export const signUpEmailPassword: Handler<'signUpEmailPassword'> = async (deps, { body }) => {
  const session = await signUpWithEmailPassword(deps, { email: body.email, password: body.password, options: body.options, codeChallenge: body.codeChallenge });
  return { status: 200, body: session ? { session } : {} };
};
