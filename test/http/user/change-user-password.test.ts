import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract, expectError, startTestApp, type ApiResponse, type TestApp } from '../../support/app.js';
import {
  createPat,
  createSignedInUser,
  elevate,
  insertSecurityKey,
  refresh,
  refreshTokenRowById,
  refreshTokenRows,
  signIn,
  type SignedInUser,
} from '../../support/sessions.js';

const NEW_PASSWORD = 'a-brand-new-password-456';
const HOUR_MS = 60 * 60 * 1000;

function expectOk(res: ApiResponse): void {
  expect(res.status).toBe(200);
  expect(res.text).toBe('"OK"');
  expectContract('changeUserPassword', res);
}

async function passwordHash(t: TestApp, userId: string): Promise<string> {
  const r = await t.db.query<{ password_hash: string }>('SELECT password_hash FROM auth.users WHERE id = $1', [userId]);
  return r.rows[0]!.password_hash;
}

/** A `passwordReset:` ticket, as `POST /user/password/reset` would store it. */
async function setResetTicket(t: TestApp, userId: string, expiresInMs = HOUR_MS): Promise<string> {
  const ticket = `passwordReset:${randomUUID()}`;
  await t.db.query('UPDATE auth.users SET ticket = $2, ticket_expires_at = $3 WHERE id = $1', [userId, ticket, new Date(t.clock.now().getTime() + expiresInMs)]);
  return ticket;
}

async function storedTicket(t: TestApp, userId: string): Promise<string | null> {
  const r = await t.db.query<{ ticket: string | null }>('SELECT ticket FROM auth.users WHERE id = $1', [userId]);
  return r.rows[0]!.ticket;
}

async function expectPassword(t: TestApp, user: SignedInUser, works: string, fails: string): Promise<void> {
  const good = await t.request('POST', '/signin/email-password', { body: { email: user.email, password: works } });
  expect(good.status).toBe(200);
  const bad = await t.request('POST', '/signin/email-password', { body: { email: user.email, password: fails } });
  expectError(bad, 401, 'invalid-email-password');
}

describe('POST /user/password', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_PASSWORD_MIN_LENGTH: '8' } });
  });
  afterAll(() => t.close());

  describe('authenticated mode', () => {
    it("replaces the caller's password hash: the old password stops working and the new one works", async () => {
      const user = await createSignedInUser(t);
      const before = await passwordHash(t, user.id);
      expectOk(await t.request('POST', '/user/password', { token: user.session.accessToken, body: { newPassword: NEW_PASSWORD } }));
      const after = await passwordHash(t, user.id);
      expect(after).not.toBe(before);
      expect(after).toMatch(/^\$2[aby]\$/);
      await expectPassword(t, user, NEW_PASSWORD, user.password);
    });

    it("revokes the user's other sessions, keeps the caller's own session and keeps PATs", async () => {
      const user = await createSignedInUser(t);
      const otherDevice = await signIn(t, user.email, user.password);
      const pat = await createPat(t, user.session.accessToken);
      const bystander = await createSignedInUser(t);

      expectOk(await t.request('POST', '/user/password', { token: user.session.accessToken, body: { newPassword: NEW_PASSWORD } }));

      expect(await refreshTokenRowById(t, otherDevice.refreshTokenId)).toBeUndefined();
      expectError(await refresh(t, otherDevice.refreshToken), 401, 'invalid-refresh-token');
      const own = await refresh(t, user.session.refreshToken);
      expect(own.status).toBe(200);
      expect(own.body.refreshTokenId).toBe(user.session.refreshTokenId);
      expect(await refreshTokenRowById(t, pat.id)).toMatchObject({ type: 'pat' });
      const viaPat = await t.request('POST', '/signin/pat', { body: { personalAccessToken: pat.personalAccessToken } });
      expect(viaPat.status).toBe(200);
      expect(await refreshTokenRows(t, bystander.id)).toHaveLength(1);
    });

    it("keeps the caller's session when the access token came from a refresh", async () => {
      const user = await createSignedInUser(t);
      const otherDevice = await signIn(t, user.email, user.password);
      const refreshed = await refresh(t, user.session.refreshToken);
      expectOk(await t.request('POST', '/user/password', { token: refreshed.body.accessToken, body: { newPassword: NEW_PASSWORD } }));
      expect((await refresh(t, refreshed.body.refreshToken)).status).toBe(200);
      expectError(await refresh(t, otherDevice.refreshToken), 401, 'invalid-refresh-token');
    });

    it('refuses a password shorter than AUTH_PASSWORD_MIN_LENGTH and keeps the old one', async () => {
      const user = await createSignedInUser(t);
      const before = await passwordHash(t, user.id);
      const res = await t.request('POST', '/user/password', { token: user.session.accessToken, body: { newPassword: 'short' } });
      expectError(res, 400, 'password-too-short');
      expectContract('changeUserPassword', res);
      expect(await passwordHash(t, user.id)).toBe(before);
    });

    it('refuses a disabled user with disabled-user', async () => {
      const user = await createSignedInUser(t);
      await t.db.query('UPDATE auth.users SET disabled = true WHERE id = $1', [user.id]);
      const res = await t.request('POST', '/user/password', { token: user.session.accessToken, body: { newPassword: NEW_PASSWORD } });
      expectError(res, 401, 'disabled-user');
      expectContract('changeUserPassword', res);
    });

    it('ignores a ticket sent with a usable token and leaves it unspent', async () => {
      const user = await createSignedInUser(t);
      const ticket = await setResetTicket(t, user.id);
      expectOk(await t.request('POST', '/user/password', { token: user.session.accessToken, body: { newPassword: NEW_PASSWORD, ticket } }));
      expect(await storedTicket(t, user.id)).toBe(ticket);
    });
  });

  describe('ticket mode', () => {
    it('refuses a request with neither a usable token nor a ticket with invalid-request', async () => {
      const res = await t.request('POST', '/user/password', { body: { newPassword: NEW_PASSWORD } });
      expectError(res, 400, 'invalid-request');
      expectContract('changeUserPassword', res);
      const badToken = await t.request('POST', '/user/password', { headers: { authorization: 'Bearer nope' }, body: { newPassword: NEW_PASSWORD } });
      expectError(badToken, 400, 'invalid-request');
    });

    it('sets the password with a passwordReset ticket once, and revokes every regular session', async () => {
      const user = await createSignedInUser(t);
      const otherDevice = await signIn(t, user.email, user.password);
      const ticket = await setResetTicket(t, user.id);

      expectOk(await t.request('POST', '/user/password', { body: { newPassword: NEW_PASSWORD, ticket } }));
      expect(await storedTicket(t, user.id)).toBeNull();
      expect((await refreshTokenRows(t, user.id)).filter((r) => r.type === 'regular')).toEqual([]);
      expectError(await refresh(t, user.session.refreshToken), 401, 'invalid-refresh-token');
      expectError(await refresh(t, otherDevice.refreshToken), 401, 'invalid-refresh-token');
      await expectPassword(t, user, NEW_PASSWORD, user.password);

      const again = await t.request('POST', '/user/password', { body: { newPassword: 'yet-another-password', ticket } });
      expectError(again, 401, 'invalid-ticket');
      expectContract('changeUserPassword', again);
    });

    it('refuses an expired ticket with invalid-ticket', async () => {
      const user = await createSignedInUser(t);
      const before = await passwordHash(t, user.id);
      const ticket = await setResetTicket(t, user.id, HOUR_MS);
      t.clock.advance(HOUR_MS + 1000);
      const res = await t.request('POST', '/user/password', { body: { newPassword: NEW_PASSWORD, ticket } });
      expectError(res, 401, 'invalid-ticket');
      expectContract('changeUserPassword', res);
      expect(await passwordHash(t, user.id)).toBe(before);
    });

    it('refuses an unknown passwordReset ticket with invalid-ticket', async () => {
      const res = await t.request('POST', '/user/password', { body: { newPassword: NEW_PASSWORD, ticket: `passwordReset:${randomUUID()}` } });
      expectError(res, 401, 'invalid-ticket');
    });

    it('refuses a ticket of another kind at the schema stage, leaving it unspent', async () => {
      const user = await createSignedInUser(t);
      const ticket = `verifyEmail:${randomUUID()}`;
      await t.db.query('UPDATE auth.users SET ticket = $2, ticket_expires_at = $3 WHERE id = $1', [user.id, ticket, new Date(t.clock.now().getTime() + HOUR_MS)]);
      const res = await t.request('POST', '/user/password', { body: { newPassword: NEW_PASSWORD, ticket } });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/ticket/);
      expect(await storedTicket(t, user.id)).toBe(ticket);
    });

    it('spends the ticket even when the new password is then refused', async () => {
      const user = await createSignedInUser(t);
      const ticket = await setResetTicket(t, user.id);
      const res = await t.request('POST', '/user/password', { body: { newPassword: 'short', ticket } });
      expectError(res, 400, 'password-too-short');
      expect(await storedTicket(t, user.id)).toBeNull();
    });
  });
});

describe('POST /user/password with AUTH_REQUIRE_ELEVATED_CLAIM=required', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_REQUIRE_ELEVATED_CLAIM: 'required' } });
  });
  afterAll(() => t.close());

  it('treats a non-elevated token as absent, so without a ticket the request is invalid', async () => {
    const user = await createSignedInUser(t);
    const before = await passwordHash(t, user.id);
    const res = await t.request('POST', '/user/password', { token: user.session.accessToken, body: { newPassword: NEW_PASSWORD } });
    expectError(res, 400, 'invalid-request');
    expectContract('changeUserPassword', res);
    expect(await passwordHash(t, user.id)).toBe(before);
  });

  it('uses the ticket when the token is not elevated', async () => {
    const user = await createSignedInUser(t);
    const ticket = await setResetTicket(t, user.id);
    expectOk(await t.request('POST', '/user/password', { token: user.session.accessToken, body: { newPassword: NEW_PASSWORD, ticket } }));
    expect(await storedTicket(t, user.id)).toBeNull();
  });

  it('changes the password with an elevated token', async () => {
    const user = await createSignedInUser(t);
    const before = await passwordHash(t, user.id);
    expectOk(await t.request('POST', '/user/password', { token: await elevate(user.session.accessToken), body: { newPassword: NEW_PASSWORD } }));
    expect(await passwordHash(t, user.id)).not.toBe(before);
  });
});

describe('POST /user/password with AUTH_REQUIRE_ELEVATED_CLAIM=recommended', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_REQUIRE_ELEVATED_CLAIM: 'recommended' } });
  });
  afterAll(() => t.close());

  it('uses authenticated mode for a user without security keys', async () => {
    const user = await createSignedInUser(t);
    const before = await passwordHash(t, user.id);
    expectOk(await t.request('POST', '/user/password', { token: user.session.accessToken, body: { newPassword: NEW_PASSWORD } }));
    expect(await passwordHash(t, user.id)).not.toBe(before);
  });

  it('falls back to ticket mode for a user with a security key and a non-elevated token', async () => {
    const user = await createSignedInUser(t);
    await insertSecurityKey(t, user.id);
    const before = await passwordHash(t, user.id);
    const res = await t.request('POST', '/user/password', { token: user.session.accessToken, body: { newPassword: NEW_PASSWORD } });
    expectError(res, 400, 'invalid-request');
    expectContract('changeUserPassword', res);
    expect(await passwordHash(t, user.id)).toBe(before);

    expectOk(await t.request('POST', '/user/password', { token: await elevate(user.session.accessToken), body: { newPassword: NEW_PASSWORD } }));
    expect(await passwordHash(t, user.id)).not.toBe(before);
  });
});

describe('POST /user/password with the ticket of a real password-reset e-mail', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('sets the password once, revokes every regular session and keeps PATs', async () => {
    const user = await createSignedInUser(t);
    const otherDevice = await signIn(t, user.email, user.password);
    const pat = await createPat(t, user.session.accessToken);
    const reset = await t.request('POST', '/user/password/reset', { body: { email: user.email } });
    expect(reset.status, reset.text).toBe(200);
    const mail = t.mailbox.last(user.email);
    expect(mail.template).toBe('password-reset');
    expect(await storedTicket(t, user.id)).toBe(mail.ticket);

    expectOk(await t.request('POST', '/user/password', { body: { newPassword: NEW_PASSWORD, ticket: mail.ticket } }));
    expect(await storedTicket(t, user.id)).toBeNull();
    expectError(await refresh(t, user.session.refreshToken), 401, 'invalid-refresh-token');
    expectError(await refresh(t, otherDevice.refreshToken), 401, 'invalid-refresh-token');
    expect(await refreshTokenRowById(t, pat.id)).toMatchObject({ type: 'pat' });
    await expectPassword(t, user, NEW_PASSWORD, user.password);
    expectError(await t.request('POST', '/user/password', { body: { newPassword: 'yet-another-password', ticket: mail.ticket } }), 401, 'invalid-ticket');
  });
});
