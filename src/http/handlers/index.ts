import type { HandlerTable } from '../router.js';
import { changeEnv } from './change-env.js';
import { changeUserEmail } from './change-user-email.js';
import { changeUserMfa } from './change-user-mfa.js';
import { changeUserPassword } from './change-user-password.js';
import { createPAT } from './create-pat.js';
import { deanonymizeUser } from './deanonymize-user.js';
import { getJWKs } from './get-jwks.js';
import { getProviderTokens } from './get-provider-tokens.js';
import { getUser } from './get-user.js';
import { getVersion } from './get-version.js';
import { healthCheckGet } from './health-check-get.js';
import { healthCheckHead } from './health-check-head.js';
import { linkIdToken } from './link-id-token.js';
import { refreshProviderToken } from './refresh-provider-token.js';
import { refreshToken } from './refresh-token.js';
import { sendPasswordResetEmail } from './send-password-reset-email.js';
import { sendVerificationEmail } from './send-verification-email.js';
import { signInAnonymous } from './sign-in-anonymous.js';
import { signInEmailPassword } from './sign-in-email-password.js';
import { signInIdToken } from './sign-in-id-token.js';
import { signInOTPEmail } from './sign-in-otp-email.js';
import { signInPasswordlessEmail } from './sign-in-passwordless-email.js';
import { signInPAT } from './sign-in-pat.js';
import { signInPasswordlessSms } from './sign-in-passwordless-sms.js';
import { signInProvider } from './sign-in-provider.js';
import { signInProviderCallback } from './sign-in-provider-callback.js';
import { signInProviderCallbackPost } from './sign-in-provider-callback-post.js';
import { signOut } from './sign-out.js';
import { signUpEmailPassword } from './sign-up-email-password.js';
import { tokenExchange } from './token-exchange.js';
import { verifySignInOTPEmail } from './verify-sign-in-otp-email.js';
import { verifySignInPasswordlessSms } from './verify-sign-in-passwordless-sms.js';
import { verifyTicket } from './verify-ticket.js';
import { verifyToken } from './verify-token.js';
import { verifyChangeUserMfa } from './verify-change-user-mfa.js';
import { verifySignInMfaTotp } from './verify-sign-in-mfa-totp.js';
import { addSecurityKey } from './add-security-key.js';
import { elevateWebauthn } from './elevate-webauthn.js';
import { signInWebauthn } from './sign-in-webauthn.js';
import { signUpWebauthn } from './sign-up-webauthn.js';
import { verifyAddSecurityKey } from './verify-add-security-key.js';
import { verifyElevateWebauthn } from './verify-elevate-webauthn.js';
import { verifySignInWebauthn } from './verify-sign-in-webauthn.js';
import { verifySignUpWebauthn } from './verify-sign-up-webauthn.js';

/** Every operation of the contract, bound by operationId: a missing one fails type-checking. */
export const handlers: HandlerTable = {
  changeEnv,
  changeUserEmail,
  changeUserMfa,
  changeUserPassword,
  createPAT,
  deanonymizeUser,
  getJWKs,
  getProviderTokens,
  getUser,
  getVersion,
  healthCheckGet,
  healthCheckHead,
  linkIdToken,
  refreshProviderToken,
  refreshToken,
  sendPasswordResetEmail,
  sendVerificationEmail,
  signInAnonymous,
  signInEmailPassword,
  signInIdToken,
  signInOTPEmail,
  signInPAT,
  signInProvider,
  signInProviderCallback,
  signInProviderCallbackPost,
  signInPasswordlessEmail,
  signInPasswordlessSms,
  signOut,
  signUpEmailPassword,
  tokenExchange,
  verifySignInOTPEmail,
  verifySignInPasswordlessSms,
  verifyTicket,
  verifyToken,
  verifyChangeUserMfa,
  verifySignInMfaTotp,
  // WebAuthn
  addSecurityKey,
  elevateWebauthn,
  signInWebauthn,
  signUpWebauthn,
  verifyAddSecurityKey,
  verifyElevateWebauthn,
  verifySignInWebauthn,
  verifySignUpWebauthn,
};
