/**
 * Sign-in scenarios for Apple, Azure AD, Entra ID and WorkOS over the real flow, against each
 * provider's double: new user, returning user, `connect`, the client's PKCE, the provider's
 * error, token and profile failures, and the e-mail trust fixtures. Apple answers with a form
 * POST (`response_mode=form_post`); the others redirect back.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_URL, expectContract, startTestApp, type TestApp } from '../../support/app.js';
import type { FakeAccount } from '../../support/fake-oauth-provider.js';
import type { FakeProviderSetup } from '../../support/fake-providers.js';
import { pkcePair } from '../../support/mail-links.js';
import { CookieJar, startSignIn } from '../../support/oauth-dance.js';
import { createSignedInUser } from '../../support/sessions.js';

export interface AppleMicrosoftWorkosSuite {
  provider: 'apple' | 'azuread' | 'entraid' | 'workos';
  startFake: () => Promise<FakeProviderSetup>;
  /** A person at the provider; `claim` is the raw verified claim where the provider has one (undefined = absent). */
  account: (n: number, email: string, claim: unknown) => FakeAccount;
  /** Makes the next profile read fail. */
  breakProfile: (setup: FakeProviderSetup, n: number) => void;
  /** The claim values that may link an existing verified account (docs/oauth-email-trust.md). */
  trustedClaims: readonly unknown[];
  /** Whether a new user's address counts as verified with this claim. */
  isNewUserVerified: (claim: unknown) => boolean;
}

let counter = 0;
const nextId = () => 70_000 + (counter += 1);
const freshEmail = (tag: string) => `${tag}-${Date.now()}-${(counter += 1)}@example.com`;

/** The raw verified-claim values every provider is tried with: label, claim. */
const CLAIMS: Array<[string, unknown]> = [
  ['verified (true)', true],
  ['unverified (false)', false],
  ['missing', undefined],
  ['the string "true"', 'true'],
  ['the string "false"', 'false'],
];

/** The provider's page → our callback: a redirect (GET) or an auto-submitted form (POST). */
async function answerAtProvider(t: TestApp, authorizationUrl: URL, jar: CookieJar): Promise<URL> {
  const page = await fetch(authorizationUrl, { redirect: 'manual' });
  let response: Response;
  if (page.status === 302) {
    const back = new URL(page.headers.get('location')!);
    response = await fetch(new URL(`${back.pathname}${back.search}`, t.origin), { redirect: 'manual', headers: jar.header() });
  } else {
    const html = await page.text();
    const action = new URL(/action="([^"]+)"/.exec(html)![1]!);
    const fields = [...html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m): [string, string] => [m[1]!, m[2]!.replaceAll('&#34;', '"')]);
    response = await fetch(new URL(action.pathname, t.origin), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...jar.header() },
      body: new URLSearchParams(fields).toString(),
    });
  }
  await response.body?.cancel();
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location')!);
}

/** The whole dance for these providers (form post or redirect). */
export async function signIn(t: TestApp, provider: string, query: Record<string, string> = {}): Promise<{ final: URL; authorizationUrl: URL }> {
  const start = await startSignIn(t, provider, query, new CookieJar());
  return { final: await answerAtProvider(t, start.location, start.jar), authorizationUrl: start.location };
}

export function describeAppleMicrosoftWorkosSignIn(suite: AppleMicrosoftWorkosSuite): void {
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

    const linkOf = async (providerUserId: string) =>
      (await t.db.query<{ user_id: string }>('SELECT user_id FROM auth.user_providers WHERE provider_id = $1 AND provider_user_id = $2', [provider, providerUserId])).rows[0];
    const sessionOf = async (final: URL) => t.request('POST', '/token', { body: { refreshToken: final.searchParams.get('refreshToken') } });

    it('signs a new user up and redirects with a refresh token that works', async () => {
      const email = freshEmail('new');
      setup.fake.account = suite.account(nextId(), email, true);
      const { final } = await signIn(t, provider, { redirectTo: R, locale: 'fr' });
      expect(final.origin + final.pathname).toBe(R);
      const session = await sessionOf(final);
      expect(session.status).toBe(200);
      expect(session.body.user).toMatchObject({ email, emailVerified: true, locale: 'fr' });
      expect((await linkOf(setup.fake.account.sub))?.user_id).toBe(session.body.user.id);
    });

    it('signs a returning user in to the same account', async () => {
      const first = await sessionOf((await signIn(t, provider)).final);
      const second = await sessionOf((await signIn(t, provider)).final);
      expect(second.body.user.id).toBe(first.body.user.id);
    });

    it('links the provider account to the signed-in user with connect', async () => {
      const user = await createSignedInUser(t, { email: freshEmail('connect') });
      const { final, authorizationUrl } = await signIn(t, provider, { connect: user.session.accessToken, redirectTo: R });
      expect(authorizationUrl.toString()).not.toContain(user.session.accessToken);
      expect(final.toString()).toBe(R);
      expect((await linkOf(setup.fake.account.sub))?.user_id).toBe(user.id);
    });

    it('answers a one-time code instead of a refresh token when the client sent a PKCE challenge', async () => {
      const { verifier, challenge } = pkcePair();
      const { final } = await signIn(t, provider, { codeChallenge: challenge, redirectTo: R, state: 's1' });
      expect(final.searchParams.get('refreshToken')).toBeNull();
      expect(final.searchParams.get('state')).toBe('s1');
      const exchanged = await t.request('POST', '/token/exchange', { body: { code: final.searchParams.get('code'), codeVerifier: verifier } });
      expect(exchanged.status).toBe(200);
      expectContract('tokenExchange', exchanged);
    });

    it("reports the provider's error to the client URL with the provider's values", async () => {
      setup.fake.failNext('authorize', 302, { error: 'access_denied', error_description: 'The user said no' });
      const { final } = await signIn(t, provider, { redirectTo: R, state: 'st' });
      expect(final.origin + final.pathname).toBe(`${CLIENT_URL}/`);
      expect(Object.fromEntries(final.searchParams)).toMatchObject({ error: 'oauth-provider-error', provider_error: 'access_denied', provider_error_description: 'The user said no', state: 'st' });
    });

    it('redirects with oauth-token-echange-failed when the token request fails', async () => {
      setup.fake.failNext('token', 400, { error: 'invalid_grant' });
      const { final } = await signIn(t, provider, { redirectTo: R });
      expect(final.origin + final.pathname).toBe(R);
      expect(final.searchParams.get('error')).toBe('oauth-token-echange-failed');
    });

    it('redirects with oauth-profile-fetch-failed when the profile cannot be read, creating nobody', async () => {
      const before = await t.db.query('SELECT count(*)::int AS n FROM auth.users');
      suite.breakProfile(setup, nextId());
      const { final } = await signIn(t, provider, { redirectTo: R });
      expect(final.searchParams.get('error')).toBe('oauth-profile-fetch-failed');
      expect((await t.db.query('SELECT count(*)::int AS n FROM auth.users')).rows).toEqual(before.rows);
    });

    describe('e-mail trust', () => {
      async function existingUser(emailVerified: boolean): Promise<{ id: string; email: string }> {
        const email = freshEmail('existing');
        const user = await createSignedInUser(t, { email });
        await t.db.query('UPDATE auth.users SET email_verified = $2 WHERE id = $1', [user.id, emailVerified]);
        return { id: user.id, email };
      }

      it.each(CLAIMS)('with the claim %s: links an existing verified account only if the claim is trusted', async (_label, claim) => {
        const user = await existingUser(true);
        setup.fake.account = suite.account(nextId(), user.email, claim);
        const { final } = await signIn(t, provider, { redirectTo: R });
        if (suite.trustedClaims.includes(claim)) {
          expect((await sessionOf(final)).body.user.id).toBe(user.id);
          expect((await linkOf(setup.fake.account.sub))?.user_id).toBe(user.id);
        } else {
          expect(final.searchParams.get('error')).toBe('email-already-in-use');
          expect(await linkOf(setup.fake.account.sub)).toBeUndefined();
        }
      });

      it.each(CLAIMS)("with the claim %s: a new user's address is verified as the reference decides", async (_label, claim) => {
        const email = freshEmail('fresh');
        setup.fake.account = suite.account(nextId(), email, claim);
        const { final } = await signIn(t, provider, { redirectTo: R });
        const row = await t.db.query<{ email_verified: boolean }>('SELECT email_verified FROM auth.users WHERE email = $1', [email]);
        expect(row.rows[0]?.email_verified).toBe(suite.isNewUserVerified(claim));
        if (suite.isNewUserVerified(claim)) {
          expect(final.searchParams.get('refreshToken')).not.toBeNull();
        } else {
          // Verification required (the default): no session, the verification e-mail instead.
          expect(final.toString()).toBe(R);
          expect(t.mailbox.last(email).template).toBe('email-verify');
        }
      });

      it('never links to an account whose own address is unverified', async () => {
        const user = await existingUser(false);
        setup.fake.account = suite.account(nextId(), user.email, true);
        const { final } = await signIn(t, provider, { redirectTo: R });
        expect(final.searchParams.get('error')).toBe('email-already-in-use');
      });
    });
  });
}
