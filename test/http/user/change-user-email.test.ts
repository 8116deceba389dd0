import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_URL, expectContract, expectError, uniqueEmail, type ApiResponse, type TestApp } from '../../support/app.js';
import { followLink } from '../../support/mail-links.js';
import { UUID_PATTERN, expectSecurityFailure, startAppGroup, type AppGroup } from '../../support/email-password.js';
import type { CapturedMail } from '../../support/mailbox.js';
import { createSignedInUser, elevate, refresh, type SignedInUser } from '../../support/sessions.js';

// `POST /user/email/change` through a real SMTP server: the confirmation goes to the new address,
// and the address changes only when its link is opened.

const HOUR_MS = 60 * 60 * 1000;
const CHANGE_TICKET = new RegExp(`^emailConfirmChange:${UUID_PATTERN}$`);
const ALLOWED = 'allowed@example.com';
const ALSO_ALLOWED = 'also-allowed@example.com';

type Apps = 'strict' | 'lenient' | 'allowList' | 'elevated';

let g: AppGroup<Apps>;
let t: TestApp;

beforeAll(async () => {
  g = await startAppGroup<Apps>({
    // E-mail verification required (the default).
    strict: { AUTH_ANONYMOUS_USERS_ENABLED: 'true', AUTH_ACCESS_CONTROL_BLOCKED_EMAIL_DOMAINS: 'blocked.example' },
    lenient: { AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false' },
    allowList: { AUTH_ACCESS_CONTROL_ALLOWED_EMAILS: `${ALLOWED},${ALSO_ALLOWED}` },
    elevated: { AUTH_REQUIRE_ELEVATED_CLAIM: 'required' },
  });
  t = g.apps.strict;
});
afterAll(() => g?.close());

function changeEmail(app: TestApp, token: string | undefined, body: Record<string, unknown>): Promise<ApiResponse> {
  return app.request('POST', '/user/email/change', { body, ...(token ? { token } : {}) });
}

function expectOk(res: ApiResponse): void {
  expect(res.status, res.text).toBe(200);
  expect(res.text).toBe('"OK"');
  expectContract('changeUserEmail', res);
}

function expectChangeError(res: ApiResponse, status: number, code: string): void {
  expectError(res, status, code);
  expectContract('changeUserEmail', res);
}

interface EmailState {
  email: string;
  new_email: string | null;
  email_verified: boolean;
  ticket: string | null;
  ticket_expires_at: Date;
}

async function emailState(userId: string): Promise<EmailState> {
  const r = await g.db.query<EmailState>(
    'SELECT email::text AS email, new_email::text AS new_email, email_verified, ticket, ticket_expires_at FROM auth.users WHERE id = $1',
    [userId],
  );
  const row = r.rows[0]!;
  return { ...row, ticket_expires_at: new Date(row.ticket_expires_at) };
}

async function signInStatus(app: TestApp, email: string, password: string): Promise<ApiResponse> {
  return app.request('POST', '/signin/email-password', { body: { email, password } });
}

/** Requests a change to a fresh address and returns it with the confirmation e-mail. */
async function requestChange(app: TestApp, user: SignedInUser, extra: Record<string, unknown> = {}): Promise<{ newEmail: string; mail: CapturedMail }> {
  const newEmail = uniqueEmail('new');
  expectOk(await changeEmail(app, user.session.accessToken, { newEmail, ...extra }));
  return { newEmail, mail: app.mailbox.last(newEmail) };
}

describe('POST /user/email/change', () => {
  it('mails a confirmation link to the new address and stores the pending address and a one-hour ticket', async () => {
    const user = await createSignedInUser(t, { signUpOptions: { displayName: 'Grace Hopper' } });
    const { newEmail, mail } = await requestChange(t, user);

    expect(t.mailbox.to(newEmail)).toHaveLength(1);
    expect(t.mailbox.to(user.email).filter((m) => m.template === 'email-confirm-change')).toEqual([]);
    expect(mail.envelope.rcptTo).toEqual([newEmail]);
    expect(mail.template).toBe('email-confirm-change');
    expect(mail.ticket).toMatch(CHANGE_TICKET);
    expect(mail.redirectTo).toBe(CLIENT_URL);
    expect(mail.html).toContain(newEmail);
    expect(mail.html).toContain(user.email);
    expect(mail.html).toContain('Grace Hopper');
    const link = new URL(mail.link);
    expect(`${link.origin}${link.pathname}`).toBe(`${t.config.server.serverUrl}/verify`);
    expect(link.searchParams.get('type')).toBe('emailConfirmChange');
    expect(link.searchParams.get('ticket')).toBe(mail.ticket);

    expect(await emailState(user.id)).toEqual({
      email: user.email,
      new_email: newEmail,
      email_verified: true,
      ticket: mail.ticket,
      ticket_expires_at: new Date(g.clock.now().getTime() + HOUR_MS),
    });
    // The address itself changes only with the link.
    expect((await signInStatus(t, user.email, user.password)).status).toBe(200);
  });

  it('changes the address when the link is opened: new_email cleared, verified, signed in', async () => {
    const user = await createSignedInUser(t);
    const { newEmail, mail } = await requestChange(t, user);

    const location = await followLink(t, mail);
    expect(location.origin).toBe(CLIENT_URL);
    expect(location.searchParams.get('type')).toBe('emailConfirmChange');
    expect(location.searchParams.has('error')).toBe(false);
    const refreshed = await refresh(t, location.searchParams.get('refreshToken')!);
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(refreshed.body.user).toMatchObject({ id: user.id, email: newEmail, emailVerified: true });

    expect(await emailState(user.id)).toMatchObject({ email: newEmail, new_email: null, email_verified: true, ticket: null });
    expect((await signInStatus(t, newEmail, user.password)).status).toBe(200);
    expectError(await signInStatus(t, user.email, user.password), 401, 'invalid-email-password');

    expect((await followLink(t, mail)).searchParams.get('error')).toBe('invalid-ticket');
  });

  it('carries the codeChallenge in the link, which then finishes with a one-time code', async () => {
    const user = await createSignedInUser(t);
    const codeVerifier = randomBytes(32).toString('base64url');
    const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
    const redirectTo = `${CLIENT_URL}/account?tab=email`;
    const { newEmail, mail } = await requestChange(t, user, { options: { redirectTo }, codeChallenge });
    expect(mail.redirectTo).toBe(redirectTo);
    expect(new URL(mail.link).searchParams.get('codeChallenge')).toBe(codeChallenge);

    const location = await followLink(t, mail);
    expect(`${location.origin}${location.pathname}`).toBe(`${CLIENT_URL}/account`);
    expect(location.searchParams.get('tab')).toBe('email');
    expect(location.searchParams.get('type')).toBe('emailConfirmChange');
    expect(location.searchParams.has('refreshToken')).toBe(false);
    const code = location.searchParams.get('code')!;
    expect(code).toHaveLength(43);
    const exchanged = await t.request('POST', '/token/exchange', { body: { code, codeVerifier } });
    expect(exchanged.status, exchanged.text).toBe(200);
    expect(exchanged.body.session.user).toMatchObject({ id: user.id, email: newEmail });
  });

  it('refuses an address another user has with email-already-in-use, whatever its case', async () => {
    const user = await createSignedInUser(t);
    const other = await createSignedInUser(t);
    const before = await emailState(user.id);
    for (const newEmail of [other.email, other.email.toUpperCase()]) {
      expectChangeError(await changeEmail(t, user.session.accessToken, { newEmail }), 409, 'email-already-in-use');
    }
    expect(t.mailbox.to(other.email).filter((m) => m.template === 'email-confirm-change')).toEqual([]);
    expect(await emailState(user.id)).toEqual(before);
  });

  it('answers the link with email-already-in-use when the address was taken in the meantime', async () => {
    const user = await createSignedInUser(t);
    const { newEmail, mail } = await requestChange(t, user);
    await createSignedInUser(t, { email: newEmail });

    const location = await followLink(t, mail);
    expect(location.searchParams.get('error')).toBe('email-already-in-use');
    expect((await emailState(user.id)).email).toBe(user.email);
  });

  it('refuses a new address on the block list with invalid-email-password', async () => {
    const user = await createSignedInUser(t);
    const before = await emailState(user.id);
    const newEmail = `new-${Date.now().toString(36)}@blocked.example`;
    expectChangeError(await changeEmail(t, user.session.accessToken, { newEmail }), 401, 'invalid-email-password');
    expect(t.mailbox.to(newEmail)).toEqual([]);
    expect(await emailState(user.id)).toEqual(before);
  });

  it('refuses a request without a bearer token at the security stage', async () => {
    const res = await changeEmail(t, undefined, { newEmail: uniqueEmail('new') });
    expectSecurityFailure(res);
    expectContract('changeUserEmail', res);
  });

  it('refuses an anonymous user with forbidden-anonymous', async () => {
    const anonymous = await t.request('POST', '/signin/anonymous');
    expect(anonymous.status, anonymous.text).toBe(200);
    const newEmail = uniqueEmail('new');
    expectChangeError(await changeEmail(t, anonymous.body.session.accessToken, { newEmail }), 403, 'forbidden-anonymous');
    expect(t.mailbox.to(newEmail)).toEqual([]);
  });

  it('refuses a redirectTo outside the allow list with redirectTo-not-allowed before looking at the user', async () => {
    const user = await createSignedInUser(t);
    const before = await emailState(user.id);
    const options = { redirectTo: 'https://evil.example/steal' };
    const newEmail = uniqueEmail('new');
    expectChangeError(await changeEmail(t, user.session.accessToken, { newEmail, options }), 400, 'redirectTo-not-allowed');
    expect(t.mailbox.to(newEmail)).toEqual([]);
    expect(await emailState(user.id)).toEqual(before);

    const anonymous = await t.request('POST', '/signin/anonymous');
    expectChangeError(await changeEmail(t, anonymous.body.session.accessToken, { newEmail, options }), 400, 'redirectTo-not-allowed');
  });

  it('lets the confirmation link expire after an hour', async () => {
    const user = await createSignedInUser(t);
    const { newEmail, mail } = await requestChange(t, user);
    g.clock.advance(61 * 60 * 1000);

    expect((await followLink(t, mail)).searchParams.get('error')).toBe('invalid-ticket');
    expect(await emailState(user.id)).toMatchObject({ email: user.email, new_email: newEmail });
    expectError(await signInStatus(t, newEmail, user.password), 401, 'invalid-email-password');
  });
});

describe('POST /user/email/change without required verification', () => {
  // Deliberate difference: the reference marked the current address verified at request time.
  it("leaves the current address's verified flag as it is, and the link verifies the new one", async () => {
    const app = g.apps.lenient;
    const verified = await createSignedInUser(app);
    await g.db.query('UPDATE auth.users SET email_verified = true WHERE id = $1', [verified.id]);
    const unverified = await createSignedInUser(app);
    expect((await emailState(unverified.id)).email_verified).toBe(false);

    await requestChange(app, verified);
    const { newEmail, mail } = await requestChange(app, unverified);
    expect((await emailState(verified.id)).email_verified).toBe(true);
    expect(await emailState(unverified.id)).toMatchObject({ email: unverified.email, new_email: newEmail, email_verified: false });

    expect((await followLink(app, mail)).searchParams.get('type')).toBe('emailConfirmChange');
    expect(await emailState(unverified.id)).toMatchObject({ email: newEmail, new_email: null, email_verified: true });
  });
});

describe('POST /user/email/change with AUTH_ACCESS_CONTROL_ALLOWED_EMAILS', () => {
  it('refuses a new address outside the allow list with invalid-email-password and accepts one on it', async () => {
    const app = g.apps.allowList;
    const user = await createSignedInUser(app, { email: ALLOWED });
    const before = await emailState(user.id);
    const outside = uniqueEmail('outside');
    expectChangeError(await changeEmail(app, user.session.accessToken, { newEmail: outside }), 401, 'invalid-email-password');
    expect(app.mailbox.to(outside)).toEqual([]);
    expect(await emailState(user.id)).toEqual(before);

    expectOk(await changeEmail(app, user.session.accessToken, { newEmail: ALSO_ALLOWED }));
    expect(app.mailbox.last(ALSO_ALLOWED).template).toBe('email-confirm-change');
  });
});

describe('POST /user/email/change with AUTH_REQUIRE_ELEVATED_CLAIM=required', () => {
  it('refuses a token that is not elevated at the security stage and accepts an elevated one', async () => {
    const app = g.apps.elevated;
    const user = await createSignedInUser(app);
    const newEmail = uniqueEmail('new');
    const res = await changeEmail(app, user.session.accessToken, { newEmail });
    expectSecurityFailure(res);
    expect(res.body.error).toContain('elevated');
    expect(app.mailbox.to(newEmail)).toEqual([]);
    expect((await emailState(user.id)).new_email).toBeNull();

    expectOk(await changeEmail(app, await elevate(user.session.accessToken), { newEmail }));
    expect(app.mailbox.last(newEmail).template).toBe('email-confirm-change');
  });
});
