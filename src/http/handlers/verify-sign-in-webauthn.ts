import { finishWebauthnSignIn } from '../../flows/webauthn-sign-in.js';
import type { Handler } from '../handler.js';

export const verifySignInWebauthn: Handler<'verifySignInWebauthn'> = async (deps, { body }) => {
  // `email` is deprecated and ignored (API.md §3.3.12).
  const session = await finishWebauthnSignIn(deps, { credential: body.credential });
  return { status: 200, body: { session } };
};
