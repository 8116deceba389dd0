import { resendVerificationEmail } from '../../flows/email-account.js';
import type { Handler } from '../handler.js';

export const sendVerificationEmail: Handler<'sendVerificationEmail'> = async (deps, { body }) => {
  await resendVerificationEmail(deps, { email: body.email, options: body.options, codeChallenge: body.codeChallenge });
  return { status: 200, body: 'OK' };
};
