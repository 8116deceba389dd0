import { beginWebauthnSignUp } from '../../flows/webauthn-sign-up.js';
import type { Handler } from '../handler.js';

export const signUpWebauthn: Handler<'signUpWebauthn'> = async (deps, { body }) => {
  const options = await beginWebauthnSignUp(deps, { email: body.email, options: body.options });
  return { status: 200, body: options };
};
