import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/adapters/clock/clock.js';
import { expectContract, expectError, uniqueEmail, type TestApp } from '../../support/app.js';
import { storedTokenHash } from '../../support/sdk.js';
import { startTwoInstances, type TwoInstances } from '../../support/two-instances.js';

// Two Latchkey instances behind one load balancer: same PostgreSQL database, each with its own
// connection pool, sharing nothing in memory. Everything a session needs, including the reuse
// grace of rotated-out refresh tokens, must live in the database. PostgreSQL only: the embedded
// database belongs to a single process.

const ENV = { AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false', AUTH_REFRESH_TOKEN_REUSE_GRACE: '30s' };
const GRACE_MS = 30_000;
const PASSWORD = 'scale-Passw0rd!';

describe.runIf(process.env['TEST_DATABASE_URL'])('two instances on one PostgreSQL database', () => {
  let instances: TwoInstances | undefined;
  let a: TestApp;
  let b: TestApp;
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    instances = await startTwoInstances({ clock, env: ENV });
    ({ a, b } = instances);
  });
  afterAll(async () => {
    await instances?.close();
  });

  async function signUp(app: TestApp): Promise<{ email: string; userId: string; refreshToken: string; refreshTokenId: string }> {
    const email = uniqueEmail('scale');
    const res = await app.request('POST', '/signup/email-password', { body: { email, password: PASSWORD } });
    expect(res.status).toBe(200);
    const { session } = res.body;
    return { email, userId: session.user.id, refreshToken: session.refreshToken, refreshTokenId: session.refreshTokenId };
  }

  async function hashOf(refreshTokenId: string): Promise<string | undefined> {
    const { rows } = await a.db.query<{ refresh_token_hash: string }>('SELECT refresh_token_hash FROM auth.refresh_tokens WHERE id = $1', [refreshTokenId]);
    return rows[0]?.refresh_token_hash;
  }

  it('signs up on A, signs in on B, and refreshes on A with the token B issued', async () => {
    const { email, userId } = await signUp(a);

    const signIn = await b.request('POST', '/signin/email-password', { body: { email, password: PASSWORD } });
    expect(signIn.status).toBe(200);
    expectContract('signInEmailPassword', signIn);
    const fromB = signIn.body.session;
    expect(fromB.user.id).toBe(userId);

    const refresh = await a.request('POST', '/token', { body: { refreshToken: fromB.refreshToken } });

    expect(refresh.status).toBe(200);
    expectContract('refreshToken', refresh);
    expect(refresh.body.refreshTokenId).toBe(fromB.refreshTokenId);
    expect(await hashOf(fromB.refreshTokenId)).toBe(storedTokenHash(refresh.body.refreshToken));
    // Access tokens minted by A are accepted by B.
    const user = await b.request('GET', '/user', { token: refresh.body.accessToken });
    expect(user.status).toBe(200);
    expect(user.body.id).toBe(userId);
  });

  it('answers concurrent refreshes of one token split across A and B with the same new token', async () => {
    const session = await signUp(a);
    let token = session.refreshToken;
    for (let round = 0; round < 5; round++) {
      const [onA, onB] = await Promise.all([
        a.request('POST', '/token', { body: { refreshToken: token } }),
        b.request('POST', '/token', { body: { refreshToken: token } }),
      ]);

      expect([onA.status, onB.status], `round ${round}: ${onA.text} / ${onB.text}`).toEqual([200, 200]);
      expectContract('refreshToken', onA);
      expectContract('refreshToken', onB);
      expect(onB.body.refreshToken).toBe(onA.body.refreshToken);
      expect(onB.body.refreshTokenId).toBe(session.refreshTokenId);
      expect(onA.body.refreshToken).not.toBe(token);
      expect(await hashOf(session.refreshTokenId)).toBe(storedTokenHash(onA.body.refreshToken));
      token = onA.body.refreshToken;
    }
  });

  it('answers a replay on B within the grace with the token A rotated to', async () => {
    const session = await signUp(a);
    const rotated = await a.request('POST', '/token', { body: { refreshToken: session.refreshToken } });
    expect(rotated.status).toBe(200);
    clock.advance(GRACE_MS - 1000);

    const replay = await b.request('POST', '/token', { body: { refreshToken: session.refreshToken } });

    expect(replay.status).toBe(200);
    expect(replay.body.refreshToken).toBe(rotated.body.refreshToken);
    expect(await hashOf(session.refreshTokenId)).toBe(storedTokenHash(rotated.body.refreshToken));
  });

  it('revokes the session for A too when B sees a replay after the grace', async () => {
    const session = await signUp(a);
    const rotated = await a.request('POST', '/token', { body: { refreshToken: session.refreshToken } });
    expect(rotated.status).toBe(200);
    clock.advance(GRACE_MS + 1000);

    const replay = await b.request('POST', '/token', { body: { refreshToken: session.refreshToken } });

    expectError(replay, 401, 'invalid-refresh-token');
    expectContract('refreshToken', replay);
    expect(await hashOf(session.refreshTokenId)).toBeUndefined();
    const current = await a.request('POST', '/token', { body: { refreshToken: rotated.body.refreshToken } });
    expectError(current, 401, 'invalid-refresh-token');
  });

  it('signs out on B, after which A refuses the refresh token', async () => {
    const session = await signUp(a);

    const signOut = await b.request('POST', '/signout', { body: { refreshToken: session.refreshToken } });

    expect(signOut.status).toBe(200);
    expectContract('signOut', signOut);
    expect(await hashOf(session.refreshTokenId)).toBeUndefined();
    expectError(await a.request('POST', '/token', { body: { refreshToken: session.refreshToken } }), 401, 'invalid-refresh-token');
  });
});
