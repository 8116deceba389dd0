import { finishWebauthnSignUp } from '../../flows/webauthn-sign-up.js';
import type { Handler } from '../handler.js';

export const verifySignUpWebauthn: Handler<'verifySignUpWebauthn'> = async (deps, { body }) => {
  const session = await finishWebauthnSignUp(deps, { credential: body.credential, options: body.options, nickname: body.nickname, codeChallenge: body.codeChallenge });
  return { status: 200, body: session ? { session } : {} };
};
