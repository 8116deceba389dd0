import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, expectContract, expectError, uniqueEmail, type ApiResponse, type TestApp } from '../../support/app.js';
import {
  UUID_PATTERN,
  UUID_V4,
  bcryptHash,
  insertPasswordUser,
  refreshTokensOf,
  signUpWithSession,
  startAppGroup,
  storedRefreshTokenHash,
  userRow,
  type AppGroup,
} from '../../support/email-password.js';

const PASSWORD = 'correct-horse';
const NO_VERIFICATION = { AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false' };

type Apps = 'lenient' | 'strict' | 'restricted' | 'realCost';

let g: AppGroup<Apps>;
let lenient: TestApp;

beforeAll(async () => {
  g = await startAppGroup<Apps>({
    lenient: { ...NO_VERIFICATION, AUTH_ANONYMOUS_USERS_ENABLED: 'true' },
    strict: {},
    restricted: { ...NO_VERIFICATION, AUTH_ACCESS_CONTROL_BLOCKED_EMAIL_DOMAINS: 'blocked.example' },
    realCost: { ...NO_VERIFICATION, AUTH_PASSWORD_HASH_COST: '10' },
  });
  ({ lenient } = g.apps);
});
afterAll(() => g?.close());

function signIn(t: TestApp, email: string, password: string): Promise<ApiResponse> {
  return t.request('POST', '/signin/email-password', { body: { email, password } });
}

function expectSignInError(res: ApiResponse, status: number, code: string): void {
  expectError(res, status, code);
  expectContract('signInEmailPassword', res);
}

/** A verified user with a cost-4 password, inserted directly. */
async function verifiedUser(options: { email?: string; password?: string; disabled?: boolean; roles?: string[] } = {}): Promise<{ id: string; email: string }> {
  const email = options.email ?? uniqueEmail('signin');
  const id = await insertPasswordUser(g.db, {
    email,
    passwordHash: bcryptHash(options.password ?? PASSWORD, '$2a$'),
    disabled: options.disabled ?? false,
    ...(options.roles ? { roles: options.roles } : {}),
  });
  return { id, email };
}

describe('POST /signin/email-password success', () => {
  it('answers a session for the right password', async () => {
    const { id, email } = await verifiedUser();
    const res = await signIn(g.apps.strict, email, PASSWORD);
    expect(res.status).toBe(200);
    expectContract('signInEmailPassword', res);
    expect(Object.keys(res.body)).toEqual(['session']);
    const s = res.body.session;
    expect(s.accessTokenExpiresIn).toBe(900);
    expect(s.refreshToken).toMatch(UUID_V4);
    expect(s.user).toMatchObject({ id, email, emailVerified: true, isAnonymous: false, activeMfaType: null, defaultRole: 'user', locale: 'en' });
    expect([...s.user.roles].sort()).toEqual(['me', 'user']);
  });

  it('adds the default role to the stored roles in the session and the token', async () => {
    const { id, email } = await verifiedUser({ roles: ['me'] });
    const s = (await signIn(lenient, email, PASSWORD)).body.session;
    expect(s.user.roles).toEqual(['me', 'user']);
    expect(decodeJwt(s.accessToken)['https://hasura.io/jwt/claims']).toEqual({
      'x-hasura-allowed-roles': ['me', 'user'],
      'x-hasura-default-role': 'user',
      'x-hasura-user-id': id,
      'x-hasura-user-is-anonymous': 'false',
    });
  });

  it('stores a new refresh token and updates last_seen', async () => {
    const email = uniqueEmail('session-rows');
    const signedUp = await signUpWithSession(lenient, email, PASSWORD);
    g.clock.advance(5 * 60_000);
    const res = await signIn(lenient, email, PASSWORD);
    expect(res.status).toBe(200);
    const s = res.body.session;
    const tokens = await refreshTokensOf(g.db, signedUp.user.id);
    expect(tokens).toHaveLength(2);
    expect(tokens.map((t) => t.id)).toContain(s.refreshTokenId);
    expect(s.refreshTokenId).not.toBe(signedUp.refreshTokenId);
    const created = tokens.find((t) => t.id === s.refreshTokenId)!;
    expect(created).toMatchObject({ type: 'regular', refresh_token_hash: await storedRefreshTokenHash(g.db, s.refreshToken) });
    expect((await userRow(g.db, { id: signedUp.user.id }))!.last_seen?.getTime()).toBe(g.clock.now().getTime());
  });

  it('finds the user whatever the case of the e-mail', async () => {
    const email = uniqueEmail('Mixed.Case');
    const { id } = await verifiedUser({ email });
    for (const variant of [email.toLowerCase(), email.toUpperCase()]) {
      const res = await signIn(lenient, variant, PASSWORD);
      expect(res.status, variant).toBe(200);
      expect(res.body.session.user.id).toBe(id);
    }
  });

  it.each(['$2a$', '$2b$', '$2y$'] as const)('verifies a password hash written with the %s prefix', async (prefix) => {
    const email = uniqueEmail('legacy');
    const id = await insertPasswordUser(g.db, { email, passwordHash: bcryptHash('legacy-password', prefix) });
    const ok = await signIn(lenient, email, 'legacy-password');
    expect(ok.status).toBe(200);
    expectContract('signInEmailPassword', ok);
    expect(ok.body.session.user.id).toBe(id);
    expectSignInError(await signIn(lenient, email, 'wrong-password'), 401, 'invalid-email-password');
  });
});

describe('POST /signin/email-password refusals', () => {
  it('gives a wrong password, an unknown e-mail and a user without password the same answer', async () => {
    const { email } = await verifiedUser();
    const noHash = uniqueEmail('no-hash');
    await insertPasswordUser(g.db, { email: noHash, passwordHash: null });

    // An anonymous user converted to passwordless sign-in keeps an empty hash.
    const anonymous = await lenient.request('POST', '/signin/anonymous');
    expect(anonymous.status).toBe(200);
    const converted = uniqueEmail('passwordless');
    const deanonymized = await lenient.request('POST', '/user/deanonymize', {
      token: anonymous.body.session.accessToken,
      body: { signInMethod: 'passwordless', email: converted },
    });
    expect(deanonymized.status).toBe(200);
    expect((await userRow(g.db, { email: converted }))!.password_hash).toBe('');

    const answers = [
      await signIn(lenient, email, 'wrong-password'),
      await signIn(lenient, uniqueEmail('nobody'), PASSWORD),
      await signIn(lenient, noHash, PASSWORD),
      await signIn(lenient, converted, PASSWORD),
    ];
    for (const res of answers) expectSignInError(res, 401, 'invalid-email-password');
    for (const res of answers) expect(res.body).toEqual(answers[0]!.body);
  });

  it('creates no refresh token for a wrong password', async () => {
    const { id, email } = await verifiedUser();
    await signIn(lenient, email, 'wrong-password');
    expect(await refreshTokensOf(g.db, id)).toEqual([]);
  });

  it('answers disabled-user only to a caller who knows the password', async () => {
    const { id, email } = await verifiedUser({ disabled: true });
    expectSignInError(await signIn(lenient, email, PASSWORD), 401, 'disabled-user');
    // Deliberate difference (docs/compat.md S4): the reference told anyone the account was
    // disabled (API.md Appendix A #2), which reveals that it exists.
    expectSignInError(await signIn(lenient, email, 'wrong-password'), 401, 'invalid-email-password');
    expect(await refreshTokensOf(g.db, id)).toEqual([]);
  });

  it('answers unverified-user when the e-mail must be verified first', async () => {
    const email = uniqueEmail('unverified');
    const res = await g.apps.strict.request('POST', '/signup/email-password', { body: { email, password: PASSWORD } });
    expect(res.body).toEqual({});
    expectSignInError(await signIn(g.apps.strict, email, PASSWORD), 401, 'unverified-user');
    // Without the requirement the same user signs in.
    expect((await signIn(lenient, email, PASSWORD)).status).toBe(200);
  });

  it('refuses an address blocked by access control even with the right password', async () => {
    const email = `${uniqueEmail('blocked').split('@')[0]}@blocked.example`;
    await verifiedUser({ email });
    expectSignInError(await signIn(g.apps.restricted, email, PASSWORD), 401, 'invalid-email-password');
    expect((await signIn(lenient, email, PASSWORD)).status).toBe(200);
  });
});

describe('POST /signin/email-password with TOTP active', () => {
  it('answers an MFA ticket valid for 5 minutes instead of a session', async () => {
    const { id, email } = await verifiedUser();
    await g.db.query(`UPDATE auth.users SET active_mfa_type = 'totp' WHERE id = $1`, [id]);
    const lastSeenBefore = (await userRow(g.db, { id }))!.last_seen;
    g.clock.advance(1000);

    const res = await signIn(lenient, email, PASSWORD);
    expect(res.status).toBe(200);
    expectContract('signInEmailPassword', res);
    expect(res.body).toEqual({ mfa: { ticket: expect.stringMatching(new RegExp(`^mfaTotp:${UUID_PATTERN}$`)) } });

    const row = (await userRow(g.db, { id }))!;
    expect(row.ticket).toBe(res.body.mfa.ticket);
    expect(row.ticket_expires_at.getTime()).toBe(g.clock.now().getTime() + 5 * 60_000);
    expect(row.last_seen).toEqual(lastSeenBefore);
    expect(await refreshTokensOf(g.db, id)).toEqual([]);
  });

  it('still refuses a wrong password before issuing a ticket', async () => {
    const { id, email } = await verifiedUser();
    await g.db.query(`UPDATE auth.users SET active_mfa_type = 'totp' WHERE id = $1`, [id]);
    expectSignInError(await signIn(lenient, email, 'wrong-password'), 401, 'invalid-email-password');
    expect((await userRow(g.db, { id }))!.ticket).toBeNull();
  });
});

describe('POST /signin/email-password timing', () => {
  function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  }

  async function timed(work: () => Promise<ApiResponse>): Promise<number> {
    const start = performance.now();
    const res = await work();
    const elapsed = performance.now() - start;
    expectSignInError(res, 401, 'invalid-email-password');
    return elapsed;
  }

  it('spends as long on an unknown e-mail as on a wrong password', async () => {
    const app = g.apps.realCost;
    const email = uniqueEmail('timing');
    await signUpWithSession(app, email, PASSWORD); // hashed at cost 10
    await timed(() => signIn(app, email, 'wrong-password')); // warm-up
    const wrongPassword: number[] = [];
    const unknownEmail: number[] = [];
    for (let i = 0; i < 5; i++) {
      wrongPassword.push(await timed(() => signIn(app, email, 'wrong-password')));
      unknownEmail.push(await timed(() => signIn(app, uniqueEmail('unknown'), 'wrong-password')));
    }
    const ratio = median(unknownEmail) / median(wrongPassword);
    expect(ratio, `unknown ${unknownEmail.join(',')} / wrong ${wrongPassword.join(',')}`).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});
