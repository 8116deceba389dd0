import { requestPasswordReset } from '../../flows/email-account.js';
import type { Handler } from '../handler.js';

export const sendPasswordResetEmail: Handler<'sendPasswordResetEmail'> = async (deps, { body }) => {
  await requestPasswordReset(deps, { email: body.email, options: body.options, codeChallenge: body.codeChallenge });
  return { status: 200, body: 'OK' };
};
