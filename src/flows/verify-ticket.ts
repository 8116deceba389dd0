import type { ErrorCode } from '../errors.js';
import { AuthError } from '../errors.js';
import { isUniqueViolation } from '../store/db.js';
import { updateUserConsumeTicket, updateUserEmailFromNewEmail, updateUserEmailVerified, type UserRow } from '../store/users.js';
import type { FlowDeps } from './deps.js';
import { createAuthorizationCode } from './pkce.js';
import { isRedirectAllowed } from './rules/redirect.js';
import { linkTicketKindOf, type LinkTicketKind } from './rules/tickets.js';
import { issueSession } from './session.js';
import { userStateError } from './user-checks.js';

export interface VerifyTicketInput {
  ticket: string;
  redirectTo: string;
  codeChallenge?: string | undefined;
}

/** Where `GET /verify` sends the browser: the target and the parameters to add, or an error. */
export type VerifyTicketResult =
  | { ok: true; target: string; params: Record<string, string> }
  | { ok: false; target: string; error: ErrorCode };

/**
 * `GET /verify` (API.md §3.5, FLOWS.md §4): spends a link ticket, applies its effect and starts a
 * session (or, with a PKCE challenge, issues a one-time code). Failures become redirects; only an
 * unparsable `redirectTo` and a failure to start the session throw (answered as JSON).
 */
export async function verifyTicket(deps: FlowDeps, input: VerifyTicketInput): Promise<VerifyTicketResult> {
  if (!URL.canParse(input.redirectTo, 'http://relative.invalid')) throw new AuthError('invalid-request');
  const target = input.redirectTo;
  if (!isRedirectAllowed(deps.redirects, target)) return { ok: false, target: deps.config.server.clientUrl, error: 'redirectTo-not-allowed' };
  const kind = linkTicketKindOf(input.ticket);
  if (kind === null) return { ok: false, target, error: 'invalid-ticket' };
  // The ticket is spent before any check, in its own statement, as in the reference (TOKENS.md §9.3).
  const user = await updateUserConsumeTicket(deps.db, input.ticket, `${kind}:`, deps.clock.now());
  if (!user) return { ok: false, target, error: 'invalid-ticket' };
  if (kind === 'otp') return { ok: false, target, error: 'invalid-request' };
  // Verification and magic-link tickets are what verifies an address: unverified is no obstacle.
  const stateError = userStateError(deps, user, { isUnverifiedAllowed: kind === 'verifyEmail' || kind === 'passwordlessEmail' });
  if (stateError) return { ok: false, target, error: stateError };
  const effect = await applyTicketEffect(deps, user, kind);
  if (effect) return { ok: false, target, error: effect };
  // From here a failure is answered as JSON 500 (API.md §1.10): the effect is already applied.
  const { codeChallenge } = input;
  const credential = await deps.db.transaction(async (tx): Promise<Record<string, string>> => {
    if (codeChallenge !== undefined) return { code: await createAuthorizationCode(deps, tx, { userId: user.id, codeChallenge, redirectTo: target }) };
    const session = await issueSession(deps, tx, user);
    return { refreshToken: session.refreshToken };
  }).catch((err: unknown) => {
    throw new AuthError('internal-server-error', { cause: err });
  });
  return { ok: true, target, params: { ...credential, type: kind } };
}

/** What each kind changes (FLOWS.md §4 step 7); an error code to redirect with, or null. */
async function applyTicketEffect(deps: FlowDeps, user: UserRow, kind: LinkTicketKind): Promise<ErrorCode | null> {
  try {
    switch (kind) {
      case 'verifyEmail':
      case 'passwordlessEmail':
        await updateUserEmailVerified(deps.db, user.id);
        return null;
      case 'emailConfirmChange': {
        // The link proves the new address, so it is stored verified (the reference flagged the old
        // address verified when the change was requested instead).
        const changed = await deps.db.transaction(async (tx) => {
          const row = await updateUserEmailFromNewEmail(tx, user.id);
          if (row) await updateUserEmailVerified(tx, user.id);
          return row;
        });
        return changed ? null : 'invalid-ticket';
      }
      case 'passwordReset':
        return null; // the user is simply signed in and then sets a password with the new token
    }
  } catch (err) {
    if (isUniqueViolation(err)) return 'email-already-in-use';
    deps.log.error({ err }, 'verifyTicket could not apply the ticket');
    return 'internal-server-error';
  }
}
