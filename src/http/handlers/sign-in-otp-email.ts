import { sendEmailOtp } from '../../flows/email-sign-in.js';
import type { Handler } from '../handler.js';

export const signInOTPEmail: Handler<'signInOTPEmail'> = async (deps, { body }) => {
  await sendEmailOtp(deps, { email: body.email, options: body.options });
  return { status: 200, body: 'OK' };
};
