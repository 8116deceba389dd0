import { expect } from 'vitest';
import { CLIENT_URL, expectContract, uniqueEmail, type TestApp } from './app.js';
import type { SessionBody } from './sessions.js';
import { SoftAuthenticator } from './soft-authenticator.js';

/** WebAuthn on, relying party `localhost` with origin AUTH_CLIENT_URL, sessions at sign-up. */
export const WEBAUTHN_ENV: Record<string, string> = {
  AUTH_WEBAUTHN_ENABLED: 'true',
  AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false',
};

export function newAuthenticator(options: { attestation?: 'none' | 'packed' } = {}): SoftAuthenticator {
  return new SoftAuthenticator({ origin: CLIENT_URL, ...options });
}

export interface PasskeyUser {
  id: string;
  email: string;
  authenticator: SoftAuthenticator;
  session: SessionBody;
}

/** Signs a new user up with a passkey through both sign-up calls (sessions must be immediate). */
export async function signUpWithPasskey(t: TestApp, authenticator = newAuthenticator(), email = uniqueEmail('passkey')): Promise<PasskeyUser> {
  const begin = await t.request('POST', '/signup/webauthn', { body: { email } });
  expect(begin.status, begin.text).toBe(200);
  expectContract('signUpWebauthn', begin);
  const credential = authenticator.create(begin.body);
  const verify = await t.request('POST', '/signup/webauthn/verify', { body: { credential } });
  expect(verify.status, verify.text).toBe(200);
  expect(verify.body.session, verify.text).toBeDefined();
  return { id: begin.body.user.id, email, authenticator, session: verify.body.session };
}

/** Runs `POST /elevate/webauthn` + verify and returns the elevated session. */
export async function elevateWithPasskey(t: TestApp, user: { authenticator: SoftAuthenticator }, accessToken: string): Promise<SessionBody> {
  const begin = await t.request('POST', '/elevate/webauthn', { token: accessToken });
  expect(begin.status, begin.text).toBe(200);
  const verify = await t.request('POST', '/elevate/webauthn/verify', { token: accessToken, body: { credential: user.authenticator.get(begin.body) } });
  expect(verify.status, verify.text).toBe(200);
  return verify.body.session;
}
