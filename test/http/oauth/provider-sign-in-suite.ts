/**
 * The sign-in scenarios every OAuth 2 provider must pass, run against that provider's fake
 * (test/support/fake-providers.ts). A provider's test file calls `describeProviderSignIn` with its
 * preset and a way to build a person at the provider with a given address and verified claim.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EMAIL_TRUST } from '../../../src/adapters/oauth/email-trust.js';
import type { ProviderId } from '../../../src/config/types.js';
import { CLIENT_URL, expectContract, startTestApp, type TestApp } from '../../support/app.js';
import type { FakeAccount } from '../../support/fake-oauth-provider.js';
import type { FakeProviderSetup } from '../../support/fake-providers.js';
import { pkcePair } from '../../support/mail-links.js';
import { authorizeAtProvider, completeCallback, CookieJar, signInWithProvider, startSignIn } from '../../support/oauth-dance.js';
import { createSignedInUser } from '../../support/sessions.js';

export interface ProviderSuite {
  provider: 'github' | 'google' | string;
  startFake: () => Promise<FakeProviderSetup>;
  /** A person at the provider; `claim` is the provider's raw verified claim (undefined = absent). */
  account: (n: number, email: string, claim: unknown) => FakeAccount;
  /** The fake's profile route to break for the profile-failure case. */
  profileRoute: string;
  /** The provider gets a PKCE challenge (default true). */
  usesPkce?: boolean;
  /** The reference reads the verified flag from the claim, not "any address is verified" (default true). */
  isEmailVerifiedByClaim?: boolean;
}

let counter = 0;
const nextId = () => 50_000 + (counter += 1);
const freshEmail = (tag: string) => `${tag}-${Date.now()}-${(counter += 1)}@example.com`;

export function describeProviderSignIn(suite: ProviderSuite): void {
  const { provider } = suite;
  describe(`sign-in with ${provider}`, () => {
    let t: TestApp;
    let setup: FakeProviderSetup;
    const R = 'http://localhost:3000/after-sign-in';

    beforeAll(async () => {
      setup = await suite.startFake();
      t = await startTestApp({ env: { ...setup.env, AUTH_ACCESS_CONTROL_ALLOWED_REDIRECT_URLS: 'http://localhost:3000/**', AUTH_LOCALE_ALLOWED_LOCALES: 'en,fr' } });
    });
    afterAll(async () => {
      await t.close();
      await setup.fake.close();
    });
    beforeEach(() => {
      setup.fake.account = suite.account(nextId(), freshEmail(provider), true);
    });

    const userIdOfLink = async (providerUserId: string) =>
      (await t.db.query<{ user_id: string; access_token: string }>('SELECT user_id, access_token FROM auth.user_providers WHERE provider_id = $1 AND provider_user_id = $2', [provider, providerUserId])).rows[0];

    it('signs a new user up and redirects with a refresh token that works', async () => {
      const email = freshEmail('new');
      setup.fake.account = suite.account(nextId(), email, true);
      const { final } = await signInWithProvider(t, provider, { redirectTo: R, displayName: 'Chosen Name', locale: 'fr' });
      expect(final.origin + final.pathname).toBe(R);
      const refreshToken = final.searchParams.get('refreshToken');
      expect(refreshToken).toMatch(/^[0-9a-f-]{36}$/);
      const refreshed = await t.request('POST', '/token', { body: { refreshToken } });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.user).toMatchObject({ email, emailVerified: true, displayName: 'Chosen Name', locale: 'fr' });
      const link = await userIdOfLink(setup.fake.account.sub);
      expect(link?.user_id).toBe(refreshed.body.user.id);
      // The provider session is stored sealed, never in clear.
      expect(link?.access_token).toMatch(/^[0-9a-f]+$/);
      expect(link?.access_token).not.toContain(setup.fake.issued.at(-1)!.accessToken);
    });

    it.runIf(suite.isEmailVerifiedByClaim ?? true)('signs a new user with an unverified provider address up without a session, and mails the verification link', async () => {
      const email = freshEmail('unverified');
      setup.fake.account = suite.account(nextId(), email, false);
      const { final } = await signInWithProvider(t, provider, { redirectTo: R });
      expect(final.toString()).toBe(R);
      const mail = t.mailbox.last(email);
      expect(mail.template).toBe('email-verify');
      expect(mail.ticket).toMatch(/^verifyEmail:/);
      const row = await t.db.query<{ email_verified: boolean }>('SELECT email_verified FROM auth.users WHERE email = $1', [email]);
      expect(row.rows[0]?.email_verified).toBe(false);
    });

    it('accepts the callback as a form post (response_mode=form_post)', async () => {
      const start = await startSignIn(t, provider, { redirectTo: R });
      const callback = await authorizeAtProvider(t, start.location);
      const response = await fetch(`${callback.origin}${callback.pathname}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...start.jar.header() },
        body: callback.searchParams.toString(),
      });
      expect(response.status).toBe(302);
      expect(new URL(response.headers.get('location')!).searchParams.get('refreshToken')).not.toBeNull();
    });

    it('signs a returning user in to the same account', async () => {
      const first = await signInWithProvider(t, provider, {});
      const second = await signInWithProvider(t, provider, {});
      const a = await t.request('POST', '/token', { body: { refreshToken: first.final.searchParams.get('refreshToken') } });
      const b = await t.request('POST', '/token', { body: { refreshToken: second.final.searchParams.get('refreshToken') } });
      expect(b.body.user.id).toBe(a.body.user.id);
    });

    it('links the provider account to the signed-in user with connect, without sending the token to the provider', async () => {
      const user = await createSignedInUser(t, { email: freshEmail('connect') });
      const { final, authorizationUrl } = await signInWithProvider(t, provider, { connect: user.session.accessToken, redirectTo: R, state: 'app-state' });
      expect(authorizationUrl.toString()).not.toContain(user.session.accessToken);
      const stateClaims = JSON.parse(Buffer.from(authorizationUrl.searchParams.get('state')!.split('.')[1]!, 'base64url').toString());
      expect(Object.keys(stateClaims).sort()).toEqual(['bnh', 'exp', 'iat', 'iss', 'provider', 'sid']);
      expect(final.toString()).toBe(`${R}?state=app-state`);
      expect((await userIdOfLink(setup.fake.account.sub))?.user_id).toBe(user.id);
    });

    it('refuses to link a provider account that is already linked', async () => {
      await signInWithProvider(t, provider, {});
      const user = await createSignedInUser(t, { email: freshEmail('taken') });
      const { final } = await signInWithProvider(t, provider, { connect: user.session.accessToken, redirectTo: R });
      expect(final.searchParams.get('error')).toBe('provider-account-already-linked');
    });

    it('redirects with disabled-endpoint for a provider that is not enabled, and refuses unknown names and bad metadata as JSON', async () => {
      const disabled = provider === 'github' ? 'google' : 'github';
      const { location } = await startSignIn(t, disabled, { redirectTo: R, state: 'x' });
      expect(location.origin + location.pathname).toBe(R);
      expect(Object.fromEntries(location.searchParams)).toMatchObject({ error: 'disabled-endpoint', state: 'x' });
      expect((await t.request('GET', '/signin/provider/myspace')).status).toBe(400);
      const badMetadata = await t.request('GET', `/signin/provider/${provider}?metadata=${encodeURIComponent('[1]')}`);
      expect(badMetadata.status).toBe(400);
      expect(badMetadata.body.error).toBe('invalid-request');
      expect((await t.request('GET', `/signin/provider/${provider}/callback`)).status).toBe(400);
    });

    it('creates the user with the requested roles and metadata', async () => {
      const { final } = await signInWithProvider(t, provider, { allowedRoles: 'user,me', defaultRole: 'me', metadata: JSON.stringify({ plan: 'pro' }) });
      const session = await t.request('POST', '/token', { body: { refreshToken: final.searchParams.get('refreshToken') } });
      expect(session.body.user).toMatchObject({ defaultRole: 'me', roles: expect.arrayContaining(['user', 'me']), metadata: { plan: 'pro' } });
    });

    it('refuses an invalid connect token at the start', async () => {
      const { location } = await startSignIn(t, provider, { connect: 'not-a-token', redirectTo: R });
      expect(location.origin + location.pathname).toBe(R);
      expect(location.searchParams.get('error')).toBe('invalid-request');
    });

    it('answers a one-time code instead of a refresh token when the client sent a PKCE challenge', async () => {
      const { verifier, challenge } = pkcePair();
      const { final } = await signInWithProvider(t, provider, { codeChallenge: challenge, redirectTo: R, state: 's1' });
      expect(final.searchParams.get('refreshToken')).toBeNull();
      expect(final.searchParams.get('state')).toBe('s1');
      const code = final.searchParams.get('code');
      const exchanged = await t.request('POST', '/token/exchange', { body: { code, codeVerifier: verifier } });
      expect(exchanged.status).toBe(200);
      expectContract('tokenExchange', exchanged);
    });

    it.runIf(suite.usesPkce ?? true)('sends the provider a PKCE challenge of its own', async () => {
      const { location } = await startSignIn(t, provider, {});
      expect(location.searchParams.get('code_challenge_method')).toBe('S256');
      expect(location.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it("reports the provider's error to the client URL with the provider's values and the app state", async () => {
      setup.fake.failNext('authorize', 302, { error: 'access_denied', error_description: 'The user said no' });
      const { final } = await signInWithProvider(t, provider, { redirectTo: R, state: 'st' });
      expect(final.origin + final.pathname).toBe(`${CLIENT_URL}/`);
      expect(Object.fromEntries(final.searchParams)).toMatchObject({ error: 'oauth-provider-error', provider_error: 'access_denied', provider_error_description: 'The user said no', state: 'st' });
    });

    it('redirects with oauth-token-echange-failed when the token request fails', async () => {
      setup.fake.failNext('token', 400, { error: 'invalid_grant' });
      const { final } = await signInWithProvider(t, provider, { redirectTo: R });
      expect(final.origin + final.pathname).toBe(R);
      expect(final.searchParams.get('error')).toBe('oauth-token-echange-failed');
    });

    it('redirects with oauth-profile-fetch-failed when the profile cannot be read', async () => {
      setup.fake.failNext(suite.profileRoute, 503);
      const { final } = await signInWithProvider(t, provider, { redirectTo: R });
      expect(final.searchParams.get('error')).toBe('oauth-profile-fetch-failed');
    });

    describe('state', () => {
      it('binds the flow to the browser with an HttpOnly, SameSite=Lax cookie scoped to the callback', async () => {
        const { response } = await startSignIn(t, provider, {});
        const [cookie] = response.headers.getSetCookie();
        expect(cookie).toMatch(/^latchkey-oauth-[0-9a-f-]{36}=[A-Za-z0-9_-]{43}; /);
        expect(cookie).toContain(`Path=/signin/provider/${provider}/callback`);
        expect(cookie).toContain('Max-Age=600');
        expect(cookie).toContain('HttpOnly');
        expect(cookie).toContain('SameSite=Lax');
      });

      it('works once: a replayed callback is refused with invalid-state and provider_state', async () => {
        const start = await startSignIn(t, provider, { redirectTo: R });
        const callback = await authorizeAtProvider(t, start.location);
        expect((await completeCallback(callback, start.jar)).searchParams.get('refreshToken')).not.toBeNull();
        const jar = new CookieJar();
        for (const [k, v] of start.jar.cookies) jar.cookies.set(k, v);
        const replay = await completeCallback(callback, start.jar);
        expect(replay.origin + replay.pathname).toBe(`${CLIENT_URL}/`);
        expect(replay.searchParams.get('error')).toBe('invalid-state');
        expect(replay.searchParams.get('provider_state')).toBe(callback.searchParams.get('state'));
        // Even with the original cookie restored.
        expect((await completeCallback(callback, jar)).searchParams.get('error')).toBe('invalid-state');
      });

      it('is refused from a browser that did not start the flow', async () => {
        const start = await startSignIn(t, provider, { redirectTo: R });
        const callback = await authorizeAtProvider(t, start.location);
        expect((await completeCallback(callback, new CookieJar())).searchParams.get('error')).toBe('invalid-state');
        const other = await startSignIn(t, provider, {});
        expect((await completeCallback(callback, other.jar)).searchParams.get('error')).toBe('invalid-state');
        // The victim's own browser can still finish: the failed attempts did not spend the state.
        expect((await completeCallback(callback, start.jar)).searchParams.get('refreshToken')).not.toBeNull();
      });

      it('is refused when forged, or signed for another provider', async () => {
        const start = await startSignIn(t, provider, {});
        const callback = await authorizeAtProvider(t, start.location);
        const forged = new URL(callback);
        forged.searchParams.set('state', 'eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl');
        expect((await completeCallback(forged, start.jar)).searchParams.get('error')).toBe('invalid-state');
        const otherProvider = provider === 'github' ? 'google' : 'github';
        const crossed = new URL(callback.toString().replace(`/provider/${provider}/`, `/provider/${otherProvider}/`));
        expect((await completeCallback(crossed, start.jar)).searchParams.get('error')).toBe('invalid-state');
      });

      it('expires after AUTH_OAUTH_STATE_TTL', async () => {
        const start = await startSignIn(t, provider, {});
        const callback = await authorizeAtProvider(t, start.location);
        t.clock.advance(10 * 60 * 1000 + 1000);
        try {
          expect((await completeCallback(callback, start.jar)).searchParams.get('error')).toBe('invalid-state');
        } finally {
          t.clock.advance(-(10 * 60 * 1000 + 1000));
        }
      });

      it('keeps redirectTo on the server: a redirectTo added to the callback is ignored', async () => {
        const start = await startSignIn(t, provider, { redirectTo: R });
        const callback = await authorizeAtProvider(t, start.location);
        callback.searchParams.set('redirectTo', 'https://evil.example/');
        const final = await completeCallback(callback, start.jar);
        expect(final.origin + final.pathname).toBe(R);
      });

      it('refuses a redirectTo outside the allow-list at the start, as JSON', async () => {
        const res = await fetch(`${t.baseUrl}/signin/provider/${provider}?redirectTo=${encodeURIComponent('https://evil.example/')}`, { redirect: 'manual' });
        expect(res.status).toBe(400);
        expect(((await res.json()) as { error: string }).error).toBe('redirectTo-not-allowed');
      });
    });

    describe('provider tokens', () => {
      it('are readable once after the sign-in, and refreshable at the provider', async () => {
        const { final } = await signInWithProvider(t, provider, {});
        const issued = setup.fake.issued.at(-1)!;
        const session = await t.request('POST', '/token', { body: { refreshToken: final.searchParams.get('refreshToken') } });
        const token = session.body.accessToken as string;
        const first = await t.request('GET', `/signin/provider/${provider}/callback/tokens`, { token });
        expect(first.status).toBe(200);
        expectContract('getProviderTokens', first);
        expect(first.body).toMatchObject({ accessToken: issued.accessToken, refreshToken: issued.refreshToken, expiresIn: 3600 });
        const second = await t.request('GET', `/signin/provider/${provider}/callback/tokens`, { token });
        expect(second.body).toEqual({ accessToken: '', expiresIn: 0, expiresAt: '0001-01-01T00:00:00Z' });
        const refreshed = await t.request('POST', `/token/provider/${provider}`, { token, body: { refreshToken: issued.refreshToken } });
        expect(refreshed.status).toBe(200);
        expectContract('refreshProviderToken', refreshed);
        expect(refreshed.body.accessToken).toBe(setup.fake.issued.at(-1)!.accessToken);
        const refused = await t.request('POST', `/token/provider/${provider}`, { token, body: { refreshToken: 'unknown' } });
        expect(refused.status).toBe(400);
        expect(refused.body.error).toBe('oauth-provider-error');
      });
    });

    describe('linking an existing account by e-mail', () => {
      async function existingUser(emailVerified: boolean): Promise<{ id: string; email: string }> {
        const email = freshEmail('existing');
        const user = await createSignedInUser(t, { email });
        await t.db.query('UPDATE auth.users SET email_verified = $2 WHERE id = $1', [user.id, emailVerified]);
        return { id: user.id, email };
      }

      it.runIf(EMAIL_TRUST[provider as ProviderId] !== undefined)('links when the provider asserts the address verified by a trusted claim and the account is verified', async () => {
        const user = await existingUser(true);
        setup.fake.account = suite.account(nextId(), user.email, true);
        const { final } = await signInWithProvider(t, provider, { redirectTo: R });
        const session = await t.request('POST', '/token', { body: { refreshToken: final.searchParams.get('refreshToken') } });
        expect(session.body.user.id).toBe(user.id);
        expect((await userIdOfLink(setup.fake.account.sub))?.user_id).toBe(user.id);
      });

      it.each([
        ...(EMAIL_TRUST[provider as ProviderId] === undefined ? [['verified, but the provider is not trusted', true] as [string, unknown]] : []),
        ['unverified (false)', false],
        ['missing', undefined],
        ['the string "true"', 'true'],
        ['the string "false"', 'false'],
      ])('refuses with email-already-in-use when the claim is %s', async (_label, claim) => {
        const user = await existingUser(true);
        setup.fake.account = suite.account(nextId(), user.email, claim);
        const { final } = await signInWithProvider(t, provider, { redirectTo: R });
        expect(final.origin + final.pathname).toBe(R);
        expect(final.searchParams.get('error')).toBe('email-already-in-use');
        expect(await userIdOfLink(setup.fake.account.sub)).toBeUndefined();
      });

      it('refuses when the local account has not verified its address', async () => {
        const user = await existingUser(false);
        setup.fake.account = suite.account(nextId(), user.email, true);
        const { final } = await signInWithProvider(t, provider, { redirectTo: R });
        expect(final.searchParams.get('error')).toBe('email-already-in-use');
      });
    });
  });
}
