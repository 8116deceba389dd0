import { signInWithEmailPassword } from '../../flows/sign-in-email-password.js';
import type { Handler } from '../handler.js';

export const signInEmailPassword: Handler<'signInEmailPassword'> = async (deps, { body }) => {
  const result = await signInWithEmailPassword(deps, { email: body.email, password: body.password });
  return { status: 200, body: result };
};
