import { sendMagicLink } from '../../flows/email-sign-in.js';
import type { Handler } from '../handler.js';

export const signInPasswordlessEmail: Handler<'signInPasswordlessEmail'> = async (deps, { body }) => {
  await sendMagicLink(deps, { email: body.email, options: body.options, codeChallenge: body.codeChallenge });
  return { status: 200, body: 'OK' };
};
