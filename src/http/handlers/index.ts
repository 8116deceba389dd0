import type { HandlerTable } from '../router.js';
import { changeEnv } from './change-env.js';
import { changeUserEmail } from './change-user-email.js';
import { changeUserPassword } from './change-user-password.js';
import { createPAT } from './create-pat.js';
import { deanonymizeUser } from './deanonymize-user.js';
import { getJWKs } from './get-jwks.js';
import { getProviderTokens } from './get-provider-tokens.js';
import { getUser } from './get-user.js';
import { getVersion } from './get-version.js';
import { healthCheckGet } from './health-check-get.js';
import { healthCheckHead } from './health-check-head.js';
import { refreshProviderToken } from './refresh-provider-token.js';
import { refreshToken } from './refresh-token.js';
import { sendPasswordResetEmail } from './send-password-reset-email.js';
import { sendVerificationEmail } from './send-verification-email.js';
import { signInAnonymous } from './sign-in-anonymous.js';
import { signInEmailPassword } from './sign-in-email-password.js';
import { signInOTPEmail } from './sign-in-otp-email.js';
import { signInPasswordlessEmail } from './sign-in-passwordless-email.js';
import { signInPAT } from './sign-in-pat.js';
import { signInProvider } from './sign-in-provider.js';
import { signInProviderCallback } from './sign-in-provider-callback.js';
import { signInProviderCallbackPost } from './sign-in-provider-callback-post.js';
import { signOut } from './sign-out.js';
import { signUpEmailPassword } from './sign-up-email-password.js';
import { tokenExchange } from './token-exchange.js';
import { verifySignInOTPEmail } from './verify-sign-in-otp-email.js';
import { verifyTicket } from './verify-ticket.js';
import { verifyToken } from './verify-token.js';

/** Every operation of the contract, bound by operationId: a missing one fails type-checking. */
export const handlers: HandlerTable = {
  changeEnv,
  changeUserEmail,
  changeUserPassword,
  createPAT,
  deanonymizeUser,
  getJWKs,
  getProviderTokens,
  getUser,
  getVersion,
  healthCheckGet,
  healthCheckHead,
  refreshProviderToken,
  refreshToken,
  sendPasswordResetEmail,
  sendVerificationEmail,
  signInAnonymous,
  signInEmailPassword,
  signInOTPEmail,
  signInPAT,
  signInProvider,
  signInProviderCallback,
  signInProviderCallbackPost,
  signInPasswordlessEmail,
  signOut,
  signUpEmailPassword,
  tokenExchange,
  verifySignInOTPEmail,
  verifyTicket,
  verifyToken,
};
