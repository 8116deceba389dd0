import type { HandlerTable } from '../router.js';
import { changeEnv } from './change-env.js';
import { changeUserPassword } from './change-user-password.js';
import { createPAT } from './create-pat.js';
import { deanonymizeUser } from './deanonymize-user.js';
import { getJWKs } from './get-jwks.js';
import { getUser } from './get-user.js';
import { getVersion } from './get-version.js';
import { healthCheckGet } from './health-check-get.js';
import { healthCheckHead } from './health-check-head.js';
import { refreshToken } from './refresh-token.js';
import { signInAnonymous } from './sign-in-anonymous.js';
import { signInEmailPassword } from './sign-in-email-password.js';
import { signInPAT } from './sign-in-pat.js';
import { signOut } from './sign-out.js';
import { signUpEmailPassword } from './sign-up-email-password.js';
import { verifyToken } from './verify-token.js';

/** Every operation of the contract, bound by operationId: a missing one fails type-checking. */
export const handlers: HandlerTable = {
  changeEnv,
  changeUserPassword,
  createPAT,
  deanonymizeUser,
  getJWKs,
  getUser,
  getVersion,
  healthCheckGet,
  healthCheckHead,
  refreshToken,
  signInAnonymous,
  signInEmailPassword,
  signInPAT,
  signOut,
  signUpEmailPassword,
  verifyToken,
};
