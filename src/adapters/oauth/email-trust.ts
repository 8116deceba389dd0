/**
 * Which provider claims we trust to say "this person controls this address", as data
 * (docs/oauth-email-trust.md explains each row). Only a trusted verified address may sign in to
 * an EXISTING account found by e-mail (and only when that account's address is verified too);
 * it never affects anything else. A provider missing here is never trusted.
 */
import type { ProviderId } from '../../config/types.js';

export interface EmailTrustRule {
  /** Where the claim comes from, for the docs and logs. */
  readonly claim: string;
  /** The claim values that mean "verified"; compared with `===` (so `"true"` ≠ `true`). */
  readonly trustedValues: readonly unknown[];
}

export const EMAIL_TRUST: Partial<Record<ProviderId, EmailTrustRule>> = {
  apple: { claim: '`email_verified` of the ID token, boolean or the string Apple sometimes sends', trustedValues: [true, 'true'] },
  github: { claim: '`verified` of the chosen entry of GET <profile URL>/emails', trustedValues: [true] },
  google: { claim: '`verified_email` (userinfo v2) or `email_verified` (OpenID userinfo)', trustedValues: [true] },
  bitbucket: { claim: '`is_confirmed` of the chosen entry of GET <profile URL>/emails', trustedValues: [true] },
  discord: { claim: '`verified` of GET /users/@me', trustedValues: [true] },
  linkedin: { claim: '`email_verified` of the OpenID userinfo', trustedValues: [true] },
};

/** True when `provider` asserted `email` verified by a claim we trust for it. */
export function isEmailVerificationTrusted(provider: ProviderId, email: string, claimValue: unknown): boolean {
  if (email === '') return false;
  const rule = EMAIL_TRUST[provider];
  return rule !== undefined && rule.trustedValues.some((value) => value === claimValue);
}
