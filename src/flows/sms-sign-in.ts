import { SmsDeliveryError, type SmsSender } from '../adapters/sms/sms.js';
import { AuthError } from '../errors.js';
import { isUniqueViolation, type Queryable } from '../store/db.js';
import { insertUserRoles } from '../store/user-roles.js';
import {
  findUserByPhoneNumber,
  findUserWithLiveSmsOtp,
  insertUser,
  updateUserCheckSmsOtp,
  updateUserSmsOtp,
  updateUserSmsOtpVerdict,
  type UserRow,
} from '../store/users.js';
import type { FlowDeps } from './deps.js';
import { claimAttempt, recordSuccess } from './lockout.js';
import { gravatarUrl } from './rules/gravatar.js';
import { isPlausiblePhoneNumber, isSmsCodeShape, isVerifyCodeShape, SMS_CODE_TTL_MS, SMS_VERIFY_TTL_MS } from './rules/sms-codes.js';
import type { SignUpOptionsInput, ValidatedSignUpOptions } from './rules/sign-up-options.js';
import { findUserStateError } from './rules/user-state.js';
import { issueSession, type Session } from './session.js';
import { resolveSignUpOptions } from './sign-up.js';
import { checkUser } from './user-checks.js';

export interface SmsSignInInput {
  phoneNumber: string;
  options?: SignUpOptionsInput | undefined;
}

/**
 * `POST /signin/passwordless/sms` (API.md §3.3.7, FLOWS.md §10.1): a code for the user with this
 * number, or a new user (without e-mail or password) holding it. The code is stored and the SMS
 * sent in one transaction, so a refused SMS (`cannot-send-sms`) stores nothing: no new user, and an
 * existing user's previous code stays valid.
 *
 * Deliberate difference (security): AUTH_DISABLE_SIGNUP is checked before anything is sent (the
 * reference texted the code first, then refused), so an unknown number costs no SMS.
 */
export async function sendSmsCode(deps: FlowDeps, input: SmsSignInInput): Promise<void> {
  const sms = enabledSender(deps);
  const options = resolveSignUpOptions(deps, input.options, input.phoneNumber);
  // What no provider would accept is refused as the provider would have refused it.
  if (!isPlausiblePhoneNumber(input.phoneNumber)) throw new AuthError('cannot-send-sms');
  const existing = await findUserByPhoneNumber(deps.db, input.phoneNumber);
  if (existing) return sendToExistingUser(deps, sms, existing, input.phoneNumber);
  try {
    await createSmsAccount(deps, sms, input.phoneNumber, options);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // A concurrent request created the user with this number first: this one is a returning user.
    const created = await findUserByPhoneNumber(deps.db, input.phoneNumber);
    if (!created) throw new AuthError('internal-server-error', { cause: err });
    await sendToExistingUser(deps, sms, created, input.phoneNumber);
  }
}

/**
 * `POST /signin/passwordless/sms/otp` (API.md §3.3.8, FLOWS.md §10.2). Every refusal (wrong,
 * expired, spent or burned code, unknown number) answers `invalid-request`, as in the reference.
 *
 * Deliberate difference (security): after AUTH_OTP_MAX_ATTEMPTS wrong codes the code is burned and
 * a new one must be requested; the reference allowed unlimited guesses within five minutes.
 */
export async function verifySmsCode(deps: FlowDeps, input: { phoneNumber: string; otp: string }): Promise<Session> {
  const sms = enabledSender(deps);
  if (!isPlausiblePhoneNumber(input.phoneNumber)) throw new AuthError('invalid-request');
  // Account lockout (AUTH_LOCKOUT_*) by number, on top of each code's own attempt limit: a locked
  // number answers as a wrong code does.
  if (!(await claimAttempt(deps, 'sms-otp', input.phoneNumber))) throw new AuthError('invalid-request');
  const user = sms.kind === 'verify' ? await checkWithProvider(deps, sms, input) : await checkLocally(deps, input);
  if (!user) throw new AuthError('invalid-request');
  await recordSuccess(deps, 'sms-otp', input.phoneNumber);
  // V-USER-OPT. The reference answers any failure here with 500 (API.md §3.3.8); we tell the
  // caller, who has just proven the number, what is wrong (disabled-user, …): it is not our fault.
  const problem = findUserStateError(user, { accessControl: deps.config.accessControl, emailVerifiedRequired: deps.config.signUp.emailVerifiedRequired }, 'optional');
  if (problem !== null) throw new AuthError(problem);
  return deps.db.transaction((tx) => issueSession(deps, tx, user));
}

/** AUTH_SMS_PASSWORDLESS_ENABLED gates both endpoints; the sender exists exactly when it is on. */
function enabledSender(deps: FlowDeps): SmsSender {
  if (!deps.config.passwordless.smsEnabled) throw new AuthError('disabled-endpoint');
  if (!deps.sms) throw new AuthError('internal-server-error', { cause: new Error('SMS sign-in is enabled but no SMS sender is configured') });
  return deps.sms;
}

async function sendToExistingUser(deps: FlowDeps, sms: SmsSender, user: UserRow, phoneNumber: string): Promise<void> {
  // V-USER-PHONE: disabled → disabled-user, anonymous → forbidden-anonymous; no e-mail checks.
  checkUser(deps, user, 'phone');
  await deps.db.transaction((tx) => issueCode(deps, tx, sms, { userId: user.id, phoneNumber, locale: user.locale }));
}

/**
 * S-SIGNUP without a session for a phone number: no e-mail, no password, the Gravatar URL of the
 * empty string (as the reference). As with the e-mail sign-ups, a user created disabled
 * (AUTH_DISABLE_NEW_USERS) is told `disabled-user` and gets no message.
 */
async function createSmsAccount(deps: FlowDeps, sms: SmsSender, phoneNumber: string, options: ValidatedSignUpOptions): Promise<void> {
  const { signUp } = deps.config;
  if (signUp.disableSignup) throw new AuthError('signup-disabled');
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const user = await insertUser(tx, {
      id: deps.random.uuid(),
      email: null,
      passwordHash: null,
      displayName: options.displayName,
      avatarUrl: gravatarUrl('', deps.config.gravatar),
      locale: options.locale,
      defaultRole: options.defaultRole,
      metadata: options.metadata ?? null,
      isAnonymous: false,
      disabled: signUp.disableNewUsers,
      emailVerified: false,
      ticket: null,
      ticketExpiresAt: now,
      lastSeen: null,
      now,
    });
    await insertUserRoles(tx, user.id, options.allowedRoles, now);
    await issueCode(deps, tx, sms, { userId: user.id, phoneNumber, locale: options.locale }, { isSent: !signUp.disableNewUsers });
  });
  if (signUp.disableNewUsers) throw new AuthError('disabled-user');
}

interface CodeTarget {
  userId: string;
  phoneNumber: string;
  locale: string;
}

/**
 * Stores a new code for the user and texts it, inside the caller's transaction. With Twilio Verify
 * the provider makes the code: we keep only a live marker (the hash of a random value nobody
 * knows, where the reference hashed "") so the attempt counter and expiry still apply.
 */
async function issueCode(deps: FlowDeps, tx: Queryable, sms: SmsSender, target: CodeTarget, opts: { isSent: boolean } = { isSent: true }): Promise<void> {
  const now = deps.clock.now().getTime();
  try {
    if (sms.kind === 'verify') {
      await updateUserSmsOtp(tx, target.userId, target.phoneNumber, deps.random.bytes(32).toString('hex'), new Date(now + SMS_VERIFY_TTL_MS));
      if (opts.isSent) await sms.startVerification({ to: target.phoneNumber, locale: target.locale });
      return;
    }
    const code = deps.random.digits(6);
    await updateUserSmsOtp(tx, target.userId, target.phoneNumber, code, new Date(now + SMS_CODE_TTL_MS));
    if (opts.isSent) await sms.sendCode({ to: target.phoneNumber, locale: target.locale, code });
  } catch (err) {
    if (!(err instanceof SmsDeliveryError)) throw err;
    // A refused number is the caller's mistake, bad credentials or an outage ours: the reason helps both.
    deps.log.warn({ err }, 'the SMS provider did not take the message');
    throw new AuthError('cannot-send-sms', { cause: err });
  }
}

async function checkLocally(deps: FlowDeps, input: { phoneNumber: string; otp: string }): Promise<UserRow | null> {
  // Only six-digit codes are ever issued; anything else (the empty string included) cannot match.
  if (!isSmsCodeShape(input.otp)) return null;
  const outcome = await updateUserCheckSmsOtp(deps.db, input.phoneNumber, input.otp, deps.clock.now(), deps.config.otp.maxAttempts);
  return outcome.kind === 'accepted' ? outcome.user : null;
}

/**
 * Twilio Verify mode: Twilio is asked only for a number with a live code (unknown numbers and
 * burned codes cost no call), and its verdict is counted like a local check.
 */
async function checkWithProvider(deps: FlowDeps, sms: Extract<SmsSender, { kind: 'verify' }>, input: { phoneNumber: string; otp: string }): Promise<UserRow | null> {
  if (!isVerifyCodeShape(input.otp)) return null;
  const { maxAttempts } = deps.config.otp;
  const pending = await findUserWithLiveSmsOtp(deps.db, input.phoneNumber, deps.clock.now(), maxAttempts);
  if (!pending) return null;
  let isApproved: boolean;
  try {
    isApproved = await sms.checkCode({ to: input.phoneNumber, code: input.otp });
  } catch (err) {
    // Twilio unreachable: the code is not judged, so no attempt is counted.
    if (!(err instanceof SmsDeliveryError)) throw err;
    deps.log.error({ err }, 'Twilio Verify could not check a code');
    throw new AuthError('invalid-request', { cause: err });
  }
  return updateUserSmsOtpVerdict(deps.db, pending.id, isApproved, deps.clock.now(), maxAttempts);
}
