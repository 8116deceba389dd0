import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, expectContract, expectError, startTestApp, type TestApp } from '../../support/app.js';
import { CLAIMS, createPat, createSignedInUser, refresh, refreshTokenHash, refreshTokenRowById } from '../../support/sessions.js';

const REFRESH_TOKEN_EXPIRES_IN_MS = 2_592_000 * 1000;

describe('POST /token', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        AUTH_ANONYMOUS_USERS_ENABLED: 'true',
        AUTH_ACCESS_CONTROL_BLOCKED_EMAIL_DOMAINS: 'blocked.example',
      },
    });
  });
  afterAll(() => t.close());

  it('rotates the token and answers a bare session that keeps the refresh-token id', async () => {
    const { session } = await createSignedInUser(t);
    t.clock.advance(1000);
    const res = await refresh(t, session.refreshToken);
    expect(res.status).toBe(200);
    expectContract('refreshToken', res);
    expect(res.body).not.toHaveProperty('session');
    expect(res.body.refreshToken).not.toBe(session.refreshToken);
    expect(res.body.refreshTokenId).toBe(session.refreshTokenId);
    expect(res.body.accessTokenExpiresIn).toBe(900);
    expect(decodeJwt(res.body.accessToken).iat).toBe(Math.floor(t.clock.now().getTime() / 1000));
  });

  it('replaces the hash on the same row and slides its expiry from the moment of the refresh', async () => {
    const { id, session } = await createSignedInUser(t);
    t.clock.advance(60 * 60 * 1000);
    const res = await refresh(t, session.refreshToken);
    expect(res.status).toBe(200);
    const row = await refreshTokenRowById(t, session.refreshTokenId);
    expect(row).toMatchObject({ user_id: id, type: 'regular', refresh_token_hash: refreshTokenHash(res.body.refreshToken) });
    expect(row!.expires_at.getTime()).toBe(t.clock.now().getTime() + REFRESH_TOKEN_EXPIRES_IN_MS);
    const old = await t.db.query('SELECT 1 FROM auth.refresh_tokens WHERE refresh_token_hash = $1', [refreshTokenHash(session.refreshToken)]);
    expect(old.rows).toHaveLength(0);
  });

  it("bumps the user's last_seen", async () => {
    const { id, session } = await createSignedInUser(t);
    t.clock.advance(5 * 60 * 1000);
    const res = await refresh(t, session.refreshToken);
    expect(res.status).toBe(200);
    const r = await t.db.query<{ last_seen: Date }>('SELECT last_seen FROM auth.users WHERE id = $1', [id]);
    expect(new Date(r.rows[0]!.last_seen).getTime()).toBe(t.clock.now().getTime());
  });

  it('lets the new token refresh again, keeping a regularly used session alive past the original expiry', async () => {
    const { session } = await createSignedInUser(t);
    t.clock.advance(REFRESH_TOKEN_EXPIRES_IN_MS - 60_000);
    const first = await refresh(t, session.refreshToken);
    expect(first.status).toBe(200);
    t.clock.advance(120_000); // past the first expiry, well within the slid one
    const second = await refresh(t, first.body.refreshToken);
    expect(second.status).toBe(200);
    expectContract('refreshToken', second);
    expect(second.body.refreshTokenId).toBe(session.refreshTokenId);
  });

  it('mints an access token for the stored roles plus the default role, tied to the session by `sid`', async () => {
    const { id, session } = await createSignedInUser(t);
    // The default role needs no row of its own (SCHEMA.md §4.2); refresh adds it back.
    await t.db.query(`DELETE FROM auth.user_roles WHERE user_id = $1 AND role = 'user'`, [id]);
    const res = await refresh(t, session.refreshToken);
    expect(res.status).toBe(200);
    expect([...res.body.user.roles].sort()).toEqual(['me', 'user']);
    const payload = decodeJwt(res.body.accessToken);
    expect(payload.sub).toBe(id);
    expect(payload.sid).toBe(session.refreshTokenId);
    expect([...payload[CLAIMS]['x-hasura-allowed-roles']].sort()).toEqual(['me', 'user']);
    expect(payload[CLAIMS]['x-hasura-default-role']).toBe('user');
    expect(payload[CLAIMS]['x-hasura-user-id']).toBe(id);
  });

  it('never carries an elevated claim into the new access token', async () => {
    const { session } = await createSignedInUser(t);
    const res = await refresh(t, session.refreshToken);
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.accessToken)[CLAIMS]).not.toHaveProperty('x-hasura-auth-elevated');
  });

  it('reports the real anonymous flag, and refreshes anonymous users although e-mail verification is required', async () => {
    // Deliberate difference: anonymous users are not subject to the e-mail-verified requirement.
    const anon = await t.request('POST', '/signin/anonymous', { body: {} });
    expect(anon.status).toBe(200);
    const res = await refresh(t, anon.body.session.refreshToken);
    expect(res.status).toBe(200);
    expectContract('refreshToken', res);
    expect(res.body.user.isAnonymous).toBe(true);
    expect(res.body.user.roles).toEqual(['anonymous']);
    expect(res.body.user).not.toHaveProperty('email');
    expect(decodeJwt(res.body.accessToken)[CLAIMS]['x-hasura-user-is-anonymous']).toBe('true');

    const { session } = await createSignedInUser(t);
    const regular = await refresh(t, session.refreshToken);
    expect(regular.body.user.isAnonymous).toBe(false);
  });

  it('reflects changes made to the user since sign-in', async () => {
    const { id, session } = await createSignedInUser(t);
    await t.db.query(
      `UPDATE auth.users SET display_name = 'Renamed', default_role = 'me', metadata = '{"plan":"pro"}'::jsonb WHERE id = $1`,
      [id],
    );
    await t.db.query(`DELETE FROM auth.user_roles WHERE user_id = $1 AND role = 'user'`, [id]);
    const res = await refresh(t, session.refreshToken);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ displayName: 'Renamed', defaultRole: 'me', roles: ['me'], metadata: { plan: 'pro' } });
    const claims = decodeJwt(res.body.accessToken)[CLAIMS];
    expect(claims['x-hasura-default-role']).toBe('me');
    expect(claims['x-hasura-allowed-roles']).toEqual(['me']);
  });

  it('refuses an unknown token with invalid-refresh-token', async () => {
    const res = await refresh(t, '8c1f2f43-3d1e-4b8e-9a43-5d0f0f4a7b21');
    expectError(res, 401, 'invalid-refresh-token');
    expectContract('refreshToken', res);
  });

  it('refuses a value that is not a UUID before the handler runs', async () => {
    const res = await t.request('POST', '/token', { body: { refreshToken: 'not-a-token' } });
    expect(res.status).toBe(400);
    expect(typeof res.body.error).toBe('string');
  });

  it('refuses a personal access token and leaves it untouched', async () => {
    const { session } = await createSignedInUser(t);
    const pat = await createPat(t, session.accessToken);
    const before = await refreshTokenRowById(t, pat.id);
    const res = await refresh(t, pat.personalAccessToken);
    expectError(res, 401, 'invalid-refresh-token');
    expectContract('refreshToken', res);
    expect(await refreshTokenRowById(t, pat.id)).toEqual(before);
  });

  it('refuses a disabled user and does not rotate the token', async () => {
    const { id, session } = await createSignedInUser(t);
    await t.db.query('UPDATE auth.users SET disabled = true WHERE id = $1', [id]);
    const res = await refresh(t, session.refreshToken);
    expectError(res, 401, 'disabled-user');
    expectContract('refreshToken', res);
    const row = await refreshTokenRowById(t, session.refreshTokenId);
    expect(row!.refresh_token_hash).toBe(refreshTokenHash(session.refreshToken));
  });

  it('refuses a disabled user who has no e-mail address (deliberate difference: the reference refreshed them)', async () => {
    const { id, session } = await createSignedInUser(t);
    await t.db.query('UPDATE auth.users SET email = NULL, disabled = true WHERE id = $1', [id]);
    const res = await refresh(t, session.refreshToken);
    expectError(res, 401, 'disabled-user');
    expectContract('refreshToken', res);
  });

  it('refuses a disabled user whose e-mail the access-control lists now block', async () => {
    const { id, session } = await createSignedInUser(t);
    await t.db.query(`UPDATE auth.users SET email = $2, disabled = true WHERE id = $1`, [id, `${id}@blocked.example`]);
    const res = await refresh(t, session.refreshToken);
    expectError(res, 401, 'disabled-user');
  });

  it('still refreshes an enabled user without e-mail or with a blocked e-mail (access control is not checked on refresh)', async () => {
    const withoutEmail = await createSignedInUser(t);
    await t.db.query('UPDATE auth.users SET email = NULL WHERE id = $1', [withoutEmail.id]);
    const a = await refresh(t, withoutEmail.session.refreshToken);
    expect(a.status).toBe(200);
    expectContract('refreshToken', a);
    expect(a.body.user).not.toHaveProperty('email');

    const blocked = await createSignedInUser(t);
    await t.db.query('UPDATE auth.users SET email = $2 WHERE id = $1', [blocked.id, `${blocked.id}@blocked.example`]);
    const b = await refresh(t, blocked.session.refreshToken);
    expect(b.status).toBe(200);
  });

  it('refuses a user whose e-mail is no longer verified while verification is required', async () => {
    const { id, session } = await createSignedInUser(t);
    await t.db.query('UPDATE auth.users SET email_verified = false WHERE id = $1', [id]);
    const res = await refresh(t, session.refreshToken);
    expectError(res, 401, 'unverified-user');
    expectContract('refreshToken', res);
  });

  it('refuses a token once the refresh-token lifetime has passed without use', async () => {
    const { session } = await createSignedInUser(t);
    t.clock.advance(REFRESH_TOKEN_EXPIRES_IN_MS + 1000);
    const res = await refresh(t, session.refreshToken);
    expectError(res, 401, 'invalid-refresh-token');
    expectContract('refreshToken', res);
  });
});
