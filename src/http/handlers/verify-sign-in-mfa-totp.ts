import { signInWithTotp } from '../../flows/mfa-totp.js';
import type { Handler } from '../handler.js';

export const verifySignInMfaTotp: Handler<'verifySignInMfaTotp'> = async (deps, { body }) => {
  const session = await signInWithTotp(deps, { ticket: body.ticket, otp: body.otp });
  return { status: 200, body: { session } };
};
