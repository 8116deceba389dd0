import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, expectContract, expectError, send, startTestApp, uniqueEmail, type ApiResponse, type TestApp } from '../../support/app.js';
import { challengeOf } from '../../support/mail-links.js';
import { CLAIMS, refresh, refreshTokenHash, refreshTokenRows, TEST_PASSWORD } from '../../support/sessions.js';

// POST /token/exchange (API-NEWER.md §2.3.1, §2.4): the PKCE code that GET /verify hands out in
// place of a refresh token, redeemed with the verifier whose S256 hash started the flow.

const MINUTE_MS = 60 * 1000;

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ env: { AUTH_EMAIL_PASSWORDLESS_ENABLED: 'true' } });
});
afterAll(() => t?.close());

function newVerifier(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

function exchange(code: string, codeVerifier: string): Promise<ApiResponse> {
  return t.request('POST', '/token/exchange', { body: { code, codeVerifier } });
}

interface IssuedCode {
  code: string;
  userId: string;
  email: string;
}

/** Follows an e-mailed link that carries a codeChallenge and returns the code of its redirect. */
async function codeFromLink(email: string): Promise<IssuedCode> {
  const link = new URL(t.mailbox.last(email).link);
  const res = await send(`${t.baseUrl}/verify${link.search}`, 'GET');
  expect(res.status, res.text).toBe(302);
  const location = new URL(res.headers.get('location')!);
  expect(location.searchParams.get('error'), location.href).toBeNull();
  const code = location.searchParams.get('code')!;
  expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const r = await t.db.query<{ id: string }>('SELECT id FROM auth.users WHERE email = $1', [email]);
  return { code, userId: r.rows[0]!.id, email };
}

/** Signs up (verification required) with a challenge and opens the verification link. */
async function codeFromSignUp(verifier: string): Promise<IssuedCode> {
  const email = uniqueEmail('pkce');
  const res = await t.request('POST', '/signup/email-password', { body: { email, password: TEST_PASSWORD, codeChallenge: challengeOf(verifier) } });
  expect(res.status, res.text).toBe(200);
  return codeFromLink(email);
}

/** Asks for a magic link with a challenge and opens it. */
async function codeFromMagicLink(verifier: string, email = uniqueEmail('pkce-magic')): Promise<IssuedCode> {
  const res = await t.request('POST', '/signin/passwordless/email', { body: { email, codeChallenge: challengeOf(verifier) } });
  expect(res.status, res.text).toBe(200);
  return codeFromLink(email);
}

async function storedCodeCount(userId: string): Promise<number> {
  const r = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM auth.pkce_authorization_codes WHERE user_id = $1', [userId]);
  return r.rows[0]!.n;
}

function expectRefused(res: ApiResponse, status: number, code: string): void {
  expectError(res, status, code);
  expectContract('tokenExchange', res);
}

describe('POST /token/exchange', () => {
  it('gives a session for the code and its verifier, matching the contract', async () => {
    const verifier = newVerifier();
    const issued = await codeFromSignUp(verifier);
    expect(await refreshTokenRows(t, issued.userId)).toEqual([]);

    const res = await exchange(issued.code, verifier);
    expect(res.status, res.text).toBe(200);
    expectContract('tokenExchange', res);
    expect(Object.keys(res.body)).toEqual(['session']);
    const { session } = res.body;
    expect(session.user).toMatchObject({ id: issued.userId, email: issued.email, emailVerified: true });
    expect(decodeJwt(session.accessToken)[CLAIMS]['x-hasura-user-id']).toBe(issued.userId);
    const rows = await refreshTokenRows(t, issued.userId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: session.refreshTokenId, type: 'regular', refresh_token_hash: refreshTokenHash(session.refreshToken) });
    expect(await storedCodeCount(issued.userId)).toBe(0);
    expect((await refresh(t, session.refreshToken)).status).toBe(200);
  });

  it('redeems a code from a magic link, with a verifier of the maximum length', async () => {
    const verifier = newVerifier(96); // 128 characters
    expect(verifier).toHaveLength(128);
    const issued = await codeFromMagicLink(verifier);
    const res = await exchange(issued.code, verifier);
    expect(res.status, res.text).toBe(200);
    expect(res.body.session.user).toMatchObject({ id: issued.userId, email: issued.email, emailVerified: true });
  });

  it('refuses a wrong verifier with invalid-request and leaves the code usable with the right one', async () => {
    const verifier = newVerifier();
    const issued = await codeFromSignUp(verifier);
    expectRefused(await exchange(issued.code, newVerifier()), 400, 'invalid-request');
    // The challenge itself is not the verifier.
    expectRefused(await exchange(issued.code, challengeOf(verifier)), 400, 'invalid-request');
    expect(await storedCodeCount(issued.userId)).toBe(1);
    expect(await refreshTokenRows(t, issued.userId)).toEqual([]);

    const res = await exchange(issued.code, verifier);
    expect(res.status, res.text).toBe(200);
    expect(res.body.session.user.id).toBe(issued.userId);
  });

  it('refuses a code used a second time with invalid-request', async () => {
    const verifier = newVerifier();
    const issued = await codeFromSignUp(verifier);
    expect((await exchange(issued.code, verifier)).status).toBe(200);
    expectRefused(await exchange(issued.code, verifier), 400, 'invalid-request');
    expect(await refreshTokenRows(t, issued.userId)).toHaveLength(1);
  });

  it('refuses an unknown code with invalid-request', async () => {
    expectRefused(await exchange(newVerifier(), newVerifier()), 400, 'invalid-request');
  });

  it('accepts a code until it is five minutes old, and refuses it from then on', async () => {
    const verifier = newVerifier();
    const young = await codeFromSignUp(verifier);
    const old = await codeFromSignUp(verifier);
    t.clock.advance(5 * MINUTE_MS - 1000);
    expect((await exchange(young.code, verifier)).status).toBe(200);
    t.clock.advance(1000);
    expectRefused(await exchange(old.code, verifier), 400, 'invalid-request');
    expect(await refreshTokenRows(t, old.userId)).toEqual([]);
  });

  it('refuses a disabled user with disabled-user', async () => {
    const verifier = newVerifier();
    const issued = await codeFromMagicLink(verifier);
    await t.db.query('UPDATE auth.users SET disabled = true WHERE id = $1', [issued.userId]);
    expectRefused(await exchange(issued.code, verifier), 401, 'disabled-user');
    expect(await refreshTokenRows(t, issued.userId)).toEqual([]);
  });

  it('refuses a verifier shorter than 43 or longer than 128 characters at the schema stage', async () => {
    const verifier = newVerifier();
    const issued = await codeFromSignUp(verifier);
    for (const codeVerifier of [verifier.slice(0, 42), newVerifier(97)]) {
      const res = await exchange(issued.code, codeVerifier);
      expect(res.status, codeVerifier).toBe(400);
      expect(Object.keys(res.body)).toEqual(['error']);
      expect(res.body.error).toMatch(/codeVerifier/);
      expectContract('tokenExchange', res);
    }
    expect(await storedCodeCount(issued.userId)).toBe(1);
  });

  it('refuses a body without code or verifier, or with unknown fields, at the schema stage', async () => {
    for (const body of [{ code: 'x'.repeat(43) }, { codeVerifier: newVerifier() }, { code: 'x', codeVerifier: newVerifier(), extra: 1 }]) {
      const res = await t.request('POST', '/token/exchange', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(res.body)).toEqual(['error']);
    }
  });
});
