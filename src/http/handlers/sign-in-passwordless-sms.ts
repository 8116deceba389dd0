import { sendSmsCode } from '../../flows/sms-sign-in.js';
import type { Handler } from '../handler.js';

export const signInPasswordlessSms: Handler<'signInPasswordlessSms'> = async (deps, { body }) => {
  await sendSmsCode(deps, { phoneNumber: body.phoneNumber, options: body.options });
  return { status: 200, body: 'OK' };
};
