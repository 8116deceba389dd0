import { verifyEmailOtp } from '../../flows/email-sign-in.js';
import type { Handler } from '../handler.js';

export const verifySignInOTPEmail: Handler<'verifySignInOTPEmail'> = async (deps, { body }) => {
  const session = await verifyEmailOtp(deps, { email: body.email, otp: body.otp });
  return { status: 200, body: { session } };
};
