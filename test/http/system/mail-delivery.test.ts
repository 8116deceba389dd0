import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/app.js';
import { loadConfig } from '../../../src/config/load.js';
import { BASE_ENV, CLIENT_URL, capturingLogger, expectContract, startTestApp, uniqueEmail, type ApiResponse, type TestApp } from '../../support/app.js';
import { followLink } from '../../support/mail-links.js';
import type { TestDatabase } from '../../support/database.js';
import { MAILBOX_SENDER, startMailbox, type CapturedMail, type Mailbox } from '../../support/mailbox.js';
import { expectMailFailure, ticketState } from '../../support/mail-state.js';
import { createSignedInUser, TEST_PASSWORD } from '../../support/sessions.js';

// How e-mail delivery behaves when it goes wrong and what goes over the wire when it works: a
// refused or unreachable SMTP server (MESSAGES.md §8, FLOWS.md §20), the reference's `X-` headers,
// and SMTP logins (Postmark: postmark-delivery.test.ts). A failed delivery answers
// internal-server-error and rolls the request's database changes back.

const SERVER_URL = 'http://127.0.0.1:4000';
const SMTP_API_HEADER = '{"category":["auth"],"unique_args":{"source":"latchkey"}}';
const ENV = {
  AUTH_EMAIL_PASSWORDLESS_ENABLED: 'true',
  AUTH_OTP_EMAIL_ENABLED: 'true',
  AUTH_ACCESS_CONTROL_ALLOWED_REDIRECT_URLS: CLIENT_URL,
};

let main: TestApp & { database: TestDatabase };
beforeAll(async () => {
  main = await startTestApp({ env: ENV });
});
afterAll(() => main?.close());

type Outage = 'refusing' | 'down';

/**
 * Runs `work` while the app's mailbox refuses every recipient or is not listening at all. A health
 * check sent at the same time must be answered: a failing delivery neither blocks nor crashes the
 * server.
 */
async function duringOutage<T>(t: TestApp, outage: Outage, work: () => Promise<T>): Promise<T> {
  if (outage === 'refusing') t.mailbox.refuse(true);
  else await t.mailbox.stop();
  try {
    const [result, health] = await Promise.all([work(), t.request('GET', '/healthz')]);
    expect(health.status).toBe(200);
    return result;
  } finally {
    if (outage === 'refusing') t.mailbox.refuse(false);
    else await t.mailbox.start();
  }
}


async function userIdByEmail(t: TestApp, email: string): Promise<string | undefined> {
  const r = await t.db.query<{ id: string }>('SELECT id FROM auth.users WHERE email = $1', [email]);
  return r.rows[0]?.id;
}

function signUp(t: TestApp, email: string, options?: Record<string, unknown>): Promise<ApiResponse> {
  return t.request('POST', '/signup/email-password', { body: { email, password: TEST_PASSWORD, ...(options ? { options } : {}) } });
}

describe.each(['refusing', 'down'] as const)('while the SMTP server is %s', (outage) => {
  let t: TestApp;
  beforeAll(() => {
    t = main;
  });

  it('fails a sign-up with verification with internal-server-error, creates no user, and the same sign-up succeeds afterwards', async () => {
    const email = uniqueEmail(`signup-${outage}`);

    const res = await duringOutage(t, outage, () => signUp(t, email));

    expectMailFailure('signUpEmailPassword', res);
    expect(await userIdByEmail(t, email)).toBeUndefined();
    expect(t.mailbox.to(email)).toEqual([]);

    const again = await signUp(t, email);
    expect(again.status, again.text).toBe(200);
    expectContract('signUpEmailPassword', again);
    const mail = t.mailbox.last(email);
    expect(mail.template).toBe('email-verify');
    const userId = await userIdByEmail(t, email);
    expect((await ticketState(t, userId!)).ticket).toBe(mail.ticket);
    const location = await followLink(t, mail);
    expect(location.searchParams.get('type')).toBe('verifyEmail');
    expect(location.searchParams.get('refreshToken')).toBeTruthy();
  });

  it('fails a magic link to a new address with internal-server-error and creates no user', async () => {
    const email = uniqueEmail(`magic-new-${outage}`);

    const res = await duringOutage(t, outage, () => t.request('POST', '/signin/passwordless/email', { body: { email } }));

    expectMailFailure('signInPasswordlessEmail', res);
    expect(await userIdByEmail(t, email)).toBeUndefined();
  });

  it('fails a password reset with internal-server-error, keeping the pending ticket, whose link still works', async () => {
    const user = await createSignedInUser(t);
    const first = await t.request('POST', '/user/password/reset', { body: { email: user.email } });
    expect(first.status, first.text).toBe(200);
    const pending = t.mailbox.last(user.email);
    expect(pending.template).toBe('password-reset');
    const before = await ticketState(t, user.id);
    expect(before.ticket).toBe(pending.ticket);
    t.clock.advance(60_000);

    const res = await duringOutage(t, outage, () => t.request('POST', '/user/password/reset', { body: { email: user.email } }));

    expectMailFailure('sendPasswordResetEmail', res);
    expect(await ticketState(t, user.id)).toEqual(before);
    expect(t.mailbox.to(user.email).filter((m) => m.template === 'password-reset')).toEqual([pending]);

    const location = await followLink(t, pending);
    expect(location.searchParams.get('type')).toBe('passwordReset');
    expect(location.searchParams.get('refreshToken')).toBeTruthy();

    const next = await t.request('POST', '/user/password/reset', { body: { email: user.email } });
    expect(next.status, next.text).toBe(200);
    const fresh = t.mailbox.last(user.email);
    expect(fresh.ticket).not.toBe(pending.ticket);
    expect((await ticketState(t, user.id)).ticket).toBe(fresh.ticket);
  });

  it('fails a magic link for an existing user with internal-server-error, keeping the previous ticket', async () => {
    const email = uniqueEmail(`magic-${outage}`);
    const first = await t.request('POST', '/signin/passwordless/email', { body: { email } });
    expect(first.status, first.text).toBe(200);
    const pending = t.mailbox.last(email);
    expect(pending.template).toBe('signin-passwordless');
    const userId = (await userIdByEmail(t, email))!;
    const before = await ticketState(t, userId);
    t.clock.advance(60_000);

    const res = await duringOutage(t, outage, () => t.request('POST', '/signin/passwordless/email', { body: { email } }));

    expectMailFailure('signInPasswordlessEmail', res);
    expect(await ticketState(t, userId)).toEqual(before);

    const location = await followLink(t, pending);
    expect(location.searchParams.get('type')).toBe('passwordlessEmail');
    const refreshed = await t.request('POST', '/token', { body: { refreshToken: location.searchParams.get('refreshToken') } });
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(refreshed.body.user.id).toBe(userId);

    const next = await t.request('POST', '/signin/passwordless/email', { body: { email } });
    expect(next.status, next.text).toBe(200);
    expect(t.mailbox.to(email)).toHaveLength(2);
  });

  it('fails an e-mail code with internal-server-error, and the previous code still signs in', async () => {
    const email = uniqueEmail(`otp-${outage}`);
    const first = await t.request('POST', '/signin/otp/email', { body: { email } });
    expect(first.status, first.text).toBe(200);
    const pending = t.mailbox.last(email);
    expect(pending.template).toBe('signin-otp');

    const res = await duringOutage(t, outage, () => t.request('POST', '/signin/otp/email', { body: { email } }));

    expectMailFailure('signInOTPEmail', res);
    const verified = await t.request('POST', '/signin/otp/email/verify', { body: { email, otp: pending.ticket } });
    expect(verified.status, verified.text).toBe(200);
    expect(verified.body.session.user.email).toBe(email);

    const next = await t.request('POST', '/signin/otp/email', { body: { email } });
    expect(next.status, next.text).toBe(200);
    const code = t.mailbox.last(email).ticket;
    const again = await t.request('POST', '/signin/otp/email/verify', { body: { email, otp: code } });
    expect(again.status, again.text).toBe(200);
  });

  it('fails an e-mail change with internal-server-error, storing neither the new address nor a ticket', async () => {
    const user = await createSignedInUser(t);
    const token = user.session.accessToken;
    const pendingAddress = uniqueEmail('pending');
    const first = await t.request('POST', '/user/email/change', { token, body: { newEmail: pendingAddress } });
    expect(first.status, first.text).toBe(200);
    const before = await ticketState(t, user.id);
    expect(before.newEmail).toBe(pendingAddress);
    const wanted = uniqueEmail(`change-${outage}`);

    const res = await duringOutage(t, outage, () => t.request('POST', '/user/email/change', { token, body: { newEmail: wanted } }));

    expectMailFailure('changeUserEmail', res);
    expect(await ticketState(t, user.id)).toEqual(before);
    expect(t.mailbox.to(wanted)).toEqual([]);

    const next = await t.request('POST', '/user/email/change', { token, body: { newEmail: wanted } });
    expect(next.status, next.text).toBe(200);
    expect(t.mailbox.last(wanted).template).toBe('email-confirm-change');
    expect((await ticketState(t, user.id)).newEmail).toBe(wanted);
  });
});

describe('the SMTP message', () => {
  /** The header block of the raw message, line by line, as it went over the wire (folds kept). */
  function headerLines(mail: CapturedMail): string[] {
    const end = mail.raw.indexOf('\r\n\r\n');
    return mail.raw.slice(0, end).split('\r\n');
  }

  function expectOneUnfoldedLine(mail: CapturedMail, name: string, value: string): void {
    const lines = headerLines(mail);
    const indexes = lines.flatMap((line, i) => (line.toLowerCase().startsWith(`${name.toLowerCase()}:`) ? [i] : []));
    expect(indexes, `${name} lines`).toHaveLength(1);
    const index = indexes[0]!;
    expect(lines[index]).toBe(`${name}: ${value}`);
    // The next line starts a new header: the value was not folded.
    expect(lines[index + 1] ?? '').not.toMatch(/^[ \t]/);
  }

  it('carries the four reference headers each on one line, even with a long redirectTo', async () => {
    const email = uniqueEmail('headers');
    const redirectTo = `${CLIENT_URL}/${'a'.repeat(200)}?next=${'b'.repeat(40)}&x=1`;

    const res = await signUp(main, email, { redirectTo });
    expect(res.status, res.text).toBe(200);

    const mail = main.mailbox.last(email);
    const stored = await ticketState(main, (await userIdByEmail(main, email))!);
    expect(mail.link.length).toBeGreaterThan(300);
    const link = new URL(mail.link);
    expect(`${link.origin}${link.pathname}`).toBe(`${SERVER_URL}/verify`);
    expect(Object.fromEntries(link.searchParams)).toEqual({ type: 'emailVerify', ticket: stored.ticket, redirectTo });
    expectOneUnfoldedLine(mail, 'X-Ticket', stored.ticket!);
    expectOneUnfoldedLine(mail, 'X-Redirect-To', redirectTo);
    expectOneUnfoldedLine(mail, 'X-Email-Template', 'email-verify');
    expectOneUnfoldedLine(mail, 'X-Link', mail.link);
    expect(mail.html).toContain(`href="${mail.link}"`);
    expect(mail.headers['x-smtpapi']).toBeUndefined();
  });

  it('sends From as AUTH_SMTP_SENDER, the envelope from its address, and EHLO hasura-auth', async () => {
    const email = uniqueEmail('from');
    expect((await signUp(main, email)).status).toBe(200);

    const mail = main.mailbox.last(email);
    expect(mail.headers['from']).toBe(MAILBOX_SENDER);
    expect(mail.from).toBe('no-reply@latchkey.test');
    expect(mail.envelope).toEqual({ mailFrom: 'no-reply@latchkey.test', rcptTo: [email] });
    expect(mail.to).toEqual([email]);
    expect(mail.helo).toBe('hasura-auth');
  });

  it('puts X-SMTPAPI first when AUTH_SMTP_X_SMTPAPI_HEADER is set', async () => {
    const t = await startTestApp({ database: main.database, env: { ...ENV, AUTH_SMTP_X_SMTPAPI_HEADER: SMTP_API_HEADER } });
    try {
      const email = uniqueEmail('smtpapi');
      expect((await signUp(t, email)).status).toBe(200);

      const mail = t.mailbox.last(email);
      expect(headerLines(mail)[0]).toBe(`X-SMTPAPI: ${SMTP_API_HEADER}`);
      expectOneUnfoldedLine(mail, 'X-SMTPAPI', SMTP_API_HEADER);
      expect(headerLines(mail).slice(1, 5).map((l) => l.split(':')[0])).toEqual(['X-Ticket', 'X-Redirect-To', 'X-Email-Template', 'X-Link']);
    } finally {
      await t.close();
    }
  });
});

describe('SMTP login', () => {
  const USERS = { mailer: 'pw-123456' };
  let mailbox: Mailbox;
  beforeAll(async () => {
    mailbox = await startMailbox({ users: USERS });
  });
  afterAll(() => mailbox?.close());

  it.each(['PLAIN', 'LOGIN', 'CRAM-MD5'] as const)('logs in with AUTH_SMTP_AUTH_METHOD=%s and delivers', async (method) => {
    const t = await startTestApp({ database: main.database, mailbox, env: { ...ENV, AUTH_SMTP_AUTH_METHOD: method } });
    try {
      const email = uniqueEmail(`auth-${method.toLowerCase()}`);
      const res = await signUp(t, email);
      expect(res.status, res.text).toBe(200);
      expect(mailbox.last(email).auth).toEqual({ method, username: 'mailer', password: 'pw-123456' });
    } finally {
      await t.close();
    }
  });

  it('answers internal-server-error when the server refuses the password, logs the cause without the password, and creates no user', async () => {
    const { log, lines } = capturingLogger();
    const t = await startTestApp({ database: main.database, mailbox, log, env: { ...ENV, AUTH_SMTP_AUTH_METHOD: 'LOGIN', AUTH_SMTP_PASS: 'wrong-pw-999' } });
    try {
      const email = uniqueEmail('auth-wrong');
      const res = await signUp(t, email);
      expectMailFailure('signUpEmailPassword', res);
      // The password is never part of what the client sees, nor of the log.
      expect(res.text).not.toContain('wrong-pw-999');
      const failure = lines.find((line) => line.includes('SMTP delivery failed'));
      expect(failure, lines.join('')).toBeDefined();
      expect(JSON.parse(failure!).level).toBe(50);
      expect(failure).toContain('EAUTH');
      expect(lines.join('')).not.toContain('wrong-pw-999');
      expect(await userIdByEmail(t, email)).toBeUndefined();
      expect(mailbox.to(email)).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('answers internal-server-error when the server requires a login and none is configured', async () => {
    const t = await startTestApp({ database: main.database, mailbox, env: { ...ENV, AUTH_SMTP_USER: '', AUTH_SMTP_PASS: '' } });
    try {
      const email = uniqueEmail('auth-none');
      expectMailFailure('signUpEmailPassword', await signUp(t, email));
      expect(await userIdByEmail(t, email)).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});

describe('the log', () => {
  it('never carries a ticket: request lines keep the path of GET /verify without its query', async () => {
    const lines: string[] = [];
    const env = { ...ENV, ...main.mailbox.env };
    const log = createLogger(loadConfig({ ...BASE_ENV, ...env }), { write: (line) => void lines.push(line) });
    const t = await startTestApp({ database: main.database, mailbox: main.mailbox, log, env });
    try {
      const email = uniqueEmail('log');
      expect((await signUp(t, email)).status).toBe(200);
      const mail = main.mailbox.last(email);
      await followLink(t, mail);
      const logged = lines.join('');
      expect(logged).toContain('/verify');
      expect(logged).not.toContain(mail.ticket.split(':')[1]!);
    } finally {
      await t.close();
    }
  });
});
