import { verifySmsCode } from '../../flows/sms-sign-in.js';
import type { Handler } from '../handler.js';

export const verifySignInPasswordlessSms: Handler<'verifySignInPasswordlessSms'> = async (deps, { body }) => {
  const session = await verifySmsCode(deps, { phoneNumber: body.phoneNumber, otp: body.otp });
  return { status: 200, body: { session } };
};
