import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, expectContract, expectError, startTestApp, type TestApp } from '../../support/app.js';
import { createSignedInUser, refresh, refreshTokenHash, refreshTokenRowById, refreshTokenRows, signIn } from '../../support/sessions.js';

/**
 * Refresh-token reuse detection, a deliberate difference from the reference (shared/spec/README.md):
 * a rotated-out token presented again inside AUTH_REFRESH_TOKEN_REUSE_GRACE gets the session's
 * current token; presented after it, it revokes the whole session.
 */
async function rotationRecords(t: TestApp, refreshTokenId: string): Promise<number> {
  const r = await t.db.query('SELECT 1 FROM latchkey.refresh_token_rotations WHERE refresh_token_id = $1', [refreshTokenId]);
  return r.rows.length;
}

describe('POST /token reuse detection (default 30 s grace)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers two concurrent refreshes of the same token with the same new token, which then works', async () => {
    const { session } = await createSignedInUser(t);
    const [a, b] = await Promise.all([refresh(t, session.refreshToken), refresh(t, session.refreshToken)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expectContract('refreshToken', a);
    expectContract('refreshToken', b);
    expect(a.body.refreshToken).not.toBe(session.refreshToken);
    expect(b.body.refreshToken).toBe(a.body.refreshToken);
    expect(b.body.refreshTokenId).toBe(session.refreshTokenId);
    expect(decodeJwt(b.body.accessToken).sid).toBe(session.refreshTokenId);
    const row = await refreshTokenRowById(t, session.refreshTokenId);
    expect(row!.refresh_token_hash).toBe(refreshTokenHash(a.body.refreshToken));

    const next = await refresh(t, a.body.refreshToken);
    expect(next.status).toBe(200);
    expect(next.body.refreshTokenId).toBe(session.refreshTokenId);
  });

  it('gives a client that lost the answer the current token when it retries with the old one inside the grace', async () => {
    const { session } = await createSignedInUser(t);
    const lost = await refresh(t, session.refreshToken);
    expect(lost.status).toBe(200);
    t.clock.advance(20_000);
    const retry = await refresh(t, session.refreshToken);
    expect(retry.status).toBe(200);
    expectContract('refreshToken', retry);
    expect(retry.body.refreshToken).toBe(lost.body.refreshToken);
    expect(retry.body.refreshTokenId).toBe(session.refreshTokenId);
    expect(decodeJwt(retry.body.accessToken).sub).toBe(session.user['id']);
    // The retry did not rotate again: the stored hash is still the lost answer's.
    const row = await refreshTokenRowById(t, session.refreshTokenId);
    expect(row!.refresh_token_hash).toBe(refreshTokenHash(lost.body.refreshToken));

    const next = await refresh(t, retry.body.refreshToken);
    expect(next.status).toBe(200);
  });

  it('follows a chain of rotations to the token that is current now', async () => {
    const { session } = await createSignedInUser(t);
    const b = await refresh(t, session.refreshToken);
    t.clock.advance(5_000);
    const c = await refresh(t, b.body.refreshToken);
    expect(c.status).toBe(200);
    t.clock.advance(5_000);

    const fromA = await refresh(t, session.refreshToken);
    expect(fromA.status).toBe(200);
    expectContract('refreshToken', fromA);
    expect(fromA.body.refreshToken).toBe(c.body.refreshToken);
    const fromB = await refresh(t, b.body.refreshToken);
    expect(fromB.status).toBe(200);
    expect(fromB.body.refreshToken).toBe(c.body.refreshToken);

    expect((await refresh(t, c.body.refreshToken)).status).toBe(200);
  });

  it('revokes the session when a rotated-out token is replayed after the grace', async () => {
    const { id, session } = await createSignedInUser(t);
    const legitimate = await refresh(t, session.refreshToken);
    expect(legitimate.status).toBe(200);
    expect(await rotationRecords(t, session.refreshTokenId)).toBe(1);
    t.clock.advance(31_000);

    const replay = await refresh(t, session.refreshToken);
    expectError(replay, 401, 'invalid-refresh-token');
    expectContract('refreshToken', replay);
    expect(await refreshTokenRowById(t, session.refreshTokenId)).toBeUndefined();
    expect(await rotationRecords(t, session.refreshTokenId)).toBe(0);
    expect(await refreshTokenRows(t, id)).toEqual([]);

    const current = await refresh(t, legitimate.body.refreshToken);
    expectError(current, 401, 'invalid-refresh-token');
    expectContract('refreshToken', current);
    // The replayed token stays dead too.
    expectError(await refresh(t, session.refreshToken), 401, 'invalid-refresh-token');
  });

  it('revokes the session when a token two rotations old is replayed after the grace', async () => {
    const { session } = await createSignedInUser(t);
    const b = await refresh(t, session.refreshToken);
    t.clock.advance(40_000);
    const c = await refresh(t, b.body.refreshToken);
    expect(c.status).toBe(200);
    const replay = await refresh(t, session.refreshToken);
    expectError(replay, 401, 'invalid-refresh-token');
    expectError(await refresh(t, c.body.refreshToken), 401, 'invalid-refresh-token');
    expect(await refreshTokenRowById(t, session.refreshTokenId)).toBeUndefined();
  });

  it("leaves the user's other sessions alone when one session is revoked for reuse", async () => {
    const user = await createSignedInUser(t);
    const other = await signIn(t, user.email, user.password);
    const stolen = user.session.refreshToken;
    const rotated = await refresh(t, stolen);
    expect(rotated.status).toBe(200);
    t.clock.advance(31_000);
    expectError(await refresh(t, stolen), 401, 'invalid-refresh-token');

    const rows = await refreshTokenRows(t, user.id);
    expect(rows.map((r) => r.id)).toEqual([other.refreshTokenId]);
    const res = await refresh(t, other.refreshToken);
    expect(res.status).toBe(200);
    expect(res.body.refreshTokenId).toBe(other.refreshTokenId);
  });

  it('does not revive a signed-out session from a rotated-out token inside the grace', async () => {
    const { session } = await createSignedInUser(t);
    const b = await refresh(t, session.refreshToken);
    const out = await t.request('POST', '/signout', { body: { refreshToken: b.body.refreshToken } });
    expect(out.status).toBe(200);
    const res = await refresh(t, session.refreshToken);
    expectError(res, 401, 'invalid-refresh-token');
    expect(await refreshTokenRowById(t, session.refreshTokenId)).toBeUndefined();
  });
});

describe('POST /token reuse detection with AUTH_REFRESH_TOKEN_REUSE_GRACE=0s', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_REFRESH_TOKEN_REUSE_GRACE: '0s' } });
  });
  afterAll(() => t.close());

  it('revokes the session on a replay one second after the rotation', async () => {
    const { session } = await createSignedInUser(t);
    const legitimate = await refresh(t, session.refreshToken);
    expect(legitimate.status).toBe(200);
    t.clock.advance(1_000);
    expectError(await refresh(t, session.refreshToken), 401, 'invalid-refresh-token');
    expectError(await refresh(t, legitimate.body.refreshToken), 401, 'invalid-refresh-token');
    expect(await refreshTokenRowById(t, session.refreshTokenId)).toBeUndefined();
  });

  it('revokes the session on a replay at the very instant of the rotation', async () => {
    const { session } = await createSignedInUser(t);
    const legitimate = await refresh(t, session.refreshToken);
    expect(legitimate.status).toBe(200);
    const replay = await refresh(t, session.refreshToken);
    expectError(replay, 401, 'invalid-refresh-token');
    expectContract('refreshToken', replay);
    expectError(await refresh(t, legitimate.body.refreshToken), 401, 'invalid-refresh-token');
    expect(await refreshTokenRowById(t, session.refreshTokenId)).toBeUndefined();
  });
});
