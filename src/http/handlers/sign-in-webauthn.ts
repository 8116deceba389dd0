import { beginWebauthnSignIn } from '../../flows/webauthn-sign-in.js';
import type { Handler } from '../handler.js';

export const signInWebauthn: Handler<'signInWebauthn'> = async (deps, { body }) => {
  const options = await beginWebauthnSignIn(deps, { email: body?.email });
  return { status: 200, body: options };
};
