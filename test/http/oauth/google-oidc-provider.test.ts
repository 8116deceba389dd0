/**
 * Google sign-in against a real OpenID Provider (oidc-provider) signing real ID tokens: discovery
 * aside, the same protocol Google speaks (code flow, client_secret_basic, PKCE, nonce, RFC 9207
 * `iss`, OpenID userinfo, refresh tokens).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { pkcePair } from '../../support/mail-links.js';
import { signInWithProvider, startSignIn } from '../../support/oauth-dance.js';
import { startOidcProvider, type RealOidcProvider } from '../../support/oidc-provider.js';
import { createSignedInUser } from '../../support/sessions.js';

const CLIENT = { clientId: 'latchkey-google', clientSecret: 'a-real-client-secret' };

describe('google sign-in against a real OpenID provider', () => {
  let op: RealOidcProvider;
  let t: TestApp;

  beforeAll(async () => {
    op = await startOidcProvider([{ ...CLIENT, redirectUris: ['http://127.0.0.1:4000/signin/provider/google/callback'] }]);
    t = await startTestApp({
      env: {
        AUTH_PROVIDER_GOOGLE_ENABLED: 'true',
        AUTH_PROVIDER_GOOGLE_CLIENT_ID: CLIENT.clientId,
        AUTH_PROVIDER_GOOGLE_CLIENT_SECRET: CLIENT.clientSecret,
        AUTH_PROVIDER_GOOGLE_AUTHORIZATION_URL: op.authorizationUrl,
        AUTH_PROVIDER_GOOGLE_TOKEN_URL: op.tokenUrl,
        AUTH_PROVIDER_GOOGLE_USER_PROFILE_URL: op.userinfoUrl,
        AUTH_PROVIDER_GOOGLE_ISSUER: op.issuer,
        AUTH_PROVIDER_GOOGLE_JWKS_URL: op.jwksUrl,
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await op.close();
  });

  it('signs up, then signs in, the same person', async () => {
    op.account = { sub: 'op-alice', email: 'alice.op@example.com', email_verified: true, name: 'Alice Op' };
    const first = await signInWithProvider(t, 'google', {});
    const refreshToken = first.final.searchParams.get('refreshToken');
    expect(refreshToken, first.final.toString()).not.toBeNull();
    const session = await t.request('POST', '/token', { body: { refreshToken } });
    expect(session.body.user).toMatchObject({ email: 'alice.op@example.com', emailVerified: true, displayName: 'Alice Op' });
    const again = await signInWithProvider(t, 'google', {});
    const second = await t.request('POST', '/token', { body: { refreshToken: again.final.searchParams.get('refreshToken') } });
    expect(second.body.user.id).toBe(session.body.user.id);
  });

  it('sends a nonce and a PKCE challenge, and finishes with a one-time code for a PKCE client', async () => {
    op.account = { sub: 'op-bob', email: 'bob.op@example.com', email_verified: true };
    const { location } = await startSignIn(t, 'google', {});
    expect(location.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const { verifier, challenge } = pkcePair();
    const { final } = await signInWithProvider(t, 'google', { codeChallenge: challenge });
    const exchanged = await t.request('POST', '/token/exchange', { body: { code: final.searchParams.get('code'), codeVerifier: verifier } });
    expect(exchanged.status).toBe(200);
    expect(exchanged.body.session.user.email).toBe('bob.op@example.com');
  });

  it('links an existing verified account only on a boolean email_verified', async () => {
    const user = await createSignedInUser(t, { email: 'carol.op@example.com' });
    await t.db.query('UPDATE auth.users SET email_verified = true WHERE id = $1', [user.id]);
    op.account = { sub: 'op-carol-string', email: 'carol.op@example.com', email_verified: 'true' };
    const refused = await signInWithProvider(t, 'google', {});
    expect(refused.final.searchParams.get('error')).toBe('email-already-in-use');
    op.account = { sub: 'op-carol', email: 'carol.op@example.com', email_verified: true };
    const linked = await signInWithProvider(t, 'google', {});
    const session = await t.request('POST', '/token', { body: { refreshToken: linked.final.searchParams.get('refreshToken') } });
    expect(session.body.user.id).toBe(user.id);
  });

  it("hands out the provider's tokens once and refreshes them at the provider", async () => {
    op.account = { sub: 'op-dave', email: 'dave.op@example.com', email_verified: true };
    const { final } = await signInWithProvider(t, 'google', {});
    const session = await t.request('POST', '/token', { body: { refreshToken: final.searchParams.get('refreshToken') } });
    const token = session.body.accessToken as string;
    const tokens = await t.request('GET', '/signin/provider/google/callback/tokens', { token });
    expect(tokens.body.accessToken).not.toBe('');
    expect(tokens.body.refreshToken).toEqual(expect.any(String));
    const userinfo = await fetch(op.userinfoUrl, { headers: { authorization: `Bearer ${tokens.body.accessToken}` } });
    expect(((await userinfo.json()) as { sub: string }).sub).toBe('op-dave');
    const refreshed = await t.request('POST', '/token/provider/google', { token, body: { refreshToken: tokens.body.refreshToken } });
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(refreshed.body.accessToken).not.toBe(tokens.body.accessToken);
  });
});
