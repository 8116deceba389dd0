/**
 * Sign-in with Twitter (OAuth 1.0a) over the real flow, against a double that checks every
 * signature, including the access-token call signed with the request-token secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract, startTestApp, type TestApp } from '../../support/app.js';
import { startFakeTwitter, twitterAccount, twitterEnv, type FakeTwitter } from '../../support/fake-providers.js';
import { pkcePair } from '../../support/mail-links.js';
import { authorizeAtProvider, completeCallback, signInWithProvider, startSignIn } from '../../support/oauth-dance.js';
import { createSignedInUser } from '../../support/sessions.js';

const R = 'http://localhost:3000/after-sign-in';
let counter = 0;
const nextId = () => String(9_000_000 + (counter += 1));

describe('sign-in with twitter', () => {
  let t: TestApp;
  let fake: FakeTwitter;
  beforeAll(async () => {
    fake = await startFakeTwitter();
    t = await startTestApp({ env: { ...twitterEnv(fake), AUTH_ACCESS_CONTROL_ALLOWED_REDIRECT_URLS: 'http://localhost:3000/**' } });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const sessionOf = (final: URL) => t.request('POST', '/token', { body: { refreshToken: final.searchParams.get('refreshToken') } });
  const linkOf = async (id: string) => (await t.db.query<{ user_id: string }>("SELECT user_id FROM auth.user_providers WHERE provider_id = 'twitter' AND provider_user_id = $1", [id])).rows[0];

  it('signs a new user up from verify_credentials, every call correctly signed', async () => {
    const id = nextId();
    fake.account = twitterAccount(id, `tw-${id}@example.com`);
    const { final } = await signInWithProvider(t, 'twitter', { redirectTo: R });
    expect(final.origin + final.pathname).toBe(R);
    const session = await sessionOf(final);
    expect(session.status).toBe(200);
    expect(session.body.user).toMatchObject({ email: `tw-${id}@example.com`, emailVerified: true, displayName: `Twitter User ${id}` });
    expect(session.body.user.avatarUrl).toBe(`https://pbs.twimg.example/profile_images/${id}/normal.jpg`);
    expect((await linkOf(id))?.user_id).toBe(session.body.user.id);
    expect(fake.calls.slice(-3).map((c) => [c.path, c.isSignatureValid])).toEqual([
      ['/oauth/request_token', true],
      ['/oauth/access_token', true],
      ['/1.1/account/verify_credentials.json', true],
    ]);
  });

  it('signs a returning user in to the same account', async () => {
    fake.account = twitterAccount(nextId(), undefined);
    const first = await sessionOf((await signInWithProvider(t, 'twitter')).final);
    const second = await sessionOf((await signInWithProvider(t, 'twitter')).final);
    expect(second.body.user.id).toBe(first.body.user.id);
    // Without a shared address: a user without e-mail, signed in at once.
    expect(first.body.user.email).toBeUndefined();
  });

  it('keeps the request-token secret on the server: not in any URL or cookie, not in clear in the database', async () => {
    fake.account = twitterAccount(nextId(), undefined);
    const start = await startSignIn(t, 'twitter', { redirectTo: R });
    const secret = fake.requestSecrets.at(-1)!;
    const stored = await t.db.query<{ flow_sealed: string }>('SELECT flow_sealed FROM latchkey.oauth_states');
    expect(stored.rows.length).toBeGreaterThan(0);
    for (const row of stored.rows) expect(row.flow_sealed).not.toContain(secret);
    const callback = await authorizeAtProvider(t, start.location);
    const final = await completeCallback(callback, start.jar);
    const seen = [start.location.toString(), callback.toString(), final.toString(), ...start.response.headers.getSetCookie()];
    for (const text of seen) expect(text).not.toContain(secret);
    expect(final.searchParams.get('refreshToken')).not.toBeNull();
  });

  it('links the Twitter account to the signed-in user with connect', async () => {
    const id = nextId();
    fake.account = twitterAccount(id, undefined);
    const user = await createSignedInUser(t, { email: `connect-${id}@example.com` });
    const { final } = await signInWithProvider(t, 'twitter', { connect: user.session.accessToken, redirectTo: R });
    expect(final.toString()).toBe(R);
    expect((await linkOf(id))?.user_id).toBe(user.id);
  });

  it('answers a one-time code when the client sent a PKCE challenge', async () => {
    fake.account = twitterAccount(nextId(), undefined);
    const { verifier, challenge } = pkcePair();
    const { final } = await signInWithProvider(t, 'twitter', { codeChallenge: challenge, redirectTo: R });
    expect(final.searchParams.get('refreshToken')).toBeNull();
    const exchanged = await t.request('POST', '/token/exchange', { body: { code: final.searchParams.get('code'), codeVerifier: verifier } });
    expect(exchanged.status).toBe(200);
    expectContract('tokenExchange', exchanged);
  });

  it('refuses a callback carrying the request token of another flow', async () => {
    fake.account = twitterAccount(nextId(), undefined);
    const mine = await startSignIn(t, 'twitter', { redirectTo: R });
    const theirs = await startSignIn(t, 'twitter', { redirectTo: R });
    const myCallback = await authorizeAtProvider(t, mine.location);
    const theirCallback = await authorizeAtProvider(t, theirs.location);
    myCallback.searchParams.set('oauth_token', theirCallback.searchParams.get('oauth_token')!);
    myCallback.searchParams.set('oauth_verifier', theirCallback.searchParams.get('oauth_verifier')!);
    const final = await completeCallback(myCallback, mine.jar);
    expect(final.searchParams.get('error')).toBe('oauth-profile-fetch-failed');
  });

  it('redirects with oauth-profile-fetch-failed when the user denies access, as the reference does', async () => {
    fake.denyNext();
    const { final } = await signInWithProvider(t, 'twitter', { redirectTo: R });
    expect(final.origin + final.pathname).toBe(R);
    expect(final.searchParams.get('error')).toBe('oauth-profile-fetch-failed');
  });

  it('redirects with oauth-profile-fetch-failed when verify_credentials fails, creating nobody', async () => {
    const id = nextId();
    fake.account = twitterAccount(id, `broken-${id}@example.com`);
    fake.failNext('/1.1/account/verify_credentials.json', 503);
    const { final } = await signInWithProvider(t, 'twitter', { redirectTo: R });
    expect(final.searchParams.get('error')).toBe('oauth-profile-fetch-failed');
    expect(await linkOf(id)).toBeUndefined();
  });

  it('redirects with internal-server-error at the start when the request-token call fails or is not confirmed', async () => {
    fake.failNext('/oauth/request_token', 503);
    const failed = await startSignIn(t, 'twitter', { redirectTo: R });
    expect(failed.location.origin + failed.location.pathname).toBe(R);
    expect(failed.location.searchParams.get('error')).toBe('internal-server-error');
    fake.unconfirmNext();
    expect((await startSignIn(t, 'twitter', { redirectTo: R })).location.searchParams.get('error')).toBe('internal-server-error');
  });

  it("does not link an existing account by e-mail: Twitter's address carries no trusted claim", async () => {
    const id = nextId();
    const email = `existing-${id}@example.com`;
    const user = await createSignedInUser(t, { email });
    await t.db.query('UPDATE auth.users SET email_verified = true WHERE id = $1', [user.id]);
    fake.account = twitterAccount(id, email);
    const { final } = await signInWithProvider(t, 'twitter', { redirectTo: R });
    expect(final.searchParams.get('error')).toBe('email-already-in-use');
    expect(await linkOf(id)).toBeUndefined();
  });
});
