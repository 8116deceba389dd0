/**
 * Apple and Entra ID against a real OpenID Provider (oidc-provider) signing real ID tokens: for
 * Apple, the OP renders the form_post page itself (with RFC 9207 `iss`) and the ID token of its
 * token response is what we validate (nonce, issuer, audience, signature from its JWKS).
 * oidc-provider has no client authentication like Apple's (a JWT signed with the developer key as
 * `client_secret`), so Apple's token endpoint is a small front that verifies that JWT, then hands
 * the request to the OP as from a public client.
 */
import { createPublicKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { CookieJar, signInWithProvider, startSignIn } from '../../support/oauth-dance.js';
import { startOidcProvider, type RealOidcProvider } from '../../support/oidc-provider.js';
import { APPLE_KEY_ID, APPLE_TEAM_ID, startFakeApple } from '../../support/fake-providers.js';

const APPLE = { clientId: 'com.example.real-op', clientSecret: 'unused-by-apple' };
const ENTRA = { clientId: 'entra-client', clientSecret: 'entra-secret' };

/** Apple's token endpoint: checks the client-secret JWT, then forwards to the OP without it. */
async function startAppleTokenFront(op: RealOidcProvider, privateKeyPem: string): Promise<{ url: string; refused: number; close(): Promise<void> }> {
  const publicKey = createPublicKey(privateKeyPem);
  const front = { url: '', refused: 0, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        try {
          const { protectedHeader } = await jwtVerify(form.get('client_secret') ?? '', publicKey, { algorithms: ['ES256'], issuer: APPLE_TEAM_ID, subject: APPLE.clientId, audience: op.issuer });
          if (protectedHeader.kid !== APPLE_KEY_ID) throw new Error('kid');
        } catch {
          front.refused += 1;
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_client' }));
          return;
        }
        form.delete('client_secret');
        const answer = await fetch(op.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(await answer.text());
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  front.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/token`;
  return front;
}

/** The OP's pages with its own cookies, until it sends the browser back: a form POST (or a redirect) to our callback. */
async function finishAtOp(t: TestApp, authorizationUrl: URL, jar: CookieJar): Promise<URL> {
  const opJar = new CookieJar();
  let url = authorizationUrl;
  for (let hops = 0; hops < 10; hops += 1) {
    const page = await fetch(url, { redirect: 'manual', headers: opJar.header() });
    opJar.store(page);
    const location = page.headers.get('location');
    if (location && new URL(location, url).origin === authorizationUrl.origin) {
      await page.body?.cancel();
      url = new URL(location, url);
      continue;
    }
    const html = await page.text();
    expect(page.status, html).toBe(200);
    const action = new URL(/action="([^"]+)"/.exec(html)![1]!);
    const fields = [...html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m): [string, string] => [m[1]!, m[2]!]);
    const response = await fetch(new URL(action.pathname, t.origin), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...jar.header() },
      body: new URLSearchParams(fields).toString(),
    });
    await response.body?.cancel();
    return new URL(response.headers.get('location')!);
  }
  throw new Error('too many hops at the OP');
}

describe('apple and entraid against a real OpenID provider', () => {
  let op: RealOidcProvider;
  let t: TestApp;
  let front: Awaited<ReturnType<typeof startAppleTokenFront>>;

  beforeAll(async () => {
    op = await startOidcProvider([
      // Apple's client secret is checked by the front; to the OP the client is public.
      { ...APPLE, redirectUris: ['http://127.0.0.1:4000/signin/provider/apple/callback'], tokenEndpointAuthMethod: 'none' as 'client_secret_post' },
      { ...ENTRA, redirectUris: ['http://127.0.0.1:4000/signin/provider/entraid/callback'], tokenEndpointAuthMethod: 'client_secret_post' },
    ], { hasClaimsInIdToken: true });
    // A real Apple-format key for the client secret, which this OP does not check.
    const apple = await startFakeApple();
    await apple.fake.close();
    front = await startAppleTokenFront(op, apple.env['AUTH_PROVIDER_APPLE_PRIVATE_KEY']!.replaceAll('\\n', '\n'));
    t = await startTestApp({
      env: {
        ...apple.env,
        AUTH_PROVIDER_APPLE_CLIENT_ID: APPLE.clientId,
        AUTH_PROVIDER_APPLE_SCOPE: 'openid,email,name',
        AUTH_PROVIDER_APPLE_AUTHORIZATION_URL: op.authorizationUrl,
        AUTH_PROVIDER_APPLE_TOKEN_URL: front.url,
        AUTH_PROVIDER_APPLE_ISSUER: op.issuer,
        AUTH_PROVIDER_APPLE_JWKS_URL: op.jwksUrl,
        AUTH_PROVIDER_ENTRAID_ENABLED: 'true',
        AUTH_PROVIDER_ENTRAID_CLIENT_ID: ENTRA.clientId,
        AUTH_PROVIDER_ENTRAID_CLIENT_SECRET: ENTRA.clientSecret,
        AUTH_PROVIDER_ENTRAID_SCOPE: 'openid,email,profile',
        AUTH_PROVIDER_ENTRAID_AUTHORIZATION_URL: op.authorizationUrl,
        AUTH_PROVIDER_ENTRAID_TOKEN_URL: op.tokenUrl,
        AUTH_PROVIDER_ENTRAID_USER_PROFILE_URL: op.userinfoUrl,
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await front.close();
    await op.close();
  });

  it('Apple: signs up from the validated ID token of a form_post answer, trusting the string "true"', async () => {
    op.account = { sub: 'apple-real-1', email: 'real1@privaterelay.appleid.com', email_verified: 'true' };
    const start = await startSignIn(t, 'apple', {});
    expect(start.location.searchParams.get('response_mode')).toBe('form_post');
    const final = await finishAtOp(t, start.location, start.jar);
    const refreshToken = final.searchParams.get('refreshToken');
    expect(refreshToken, final.toString()).not.toBeNull();
    const session = await t.request('POST', '/token', { body: { refreshToken } });
    expect(session.body.user).toMatchObject({ email: 'real1@privaterelay.appleid.com', emailVerified: true, displayName: 'real1@privaterelay.appleid.com' });
    expect(front.refused).toBe(0);
  });

  it('Apple: a boolean false email_verified makes an unverified user', async () => {
    op.account = { sub: 'apple-real-2', email: 'real2@example.com', email_verified: false };
    const start = await startSignIn(t, 'apple', { redirectTo: 'http://localhost:3000/' });
    const final = await finishAtOp(t, start.location, start.jar);
    expect(final.searchParams.get('refreshToken')).toBeNull();
    expect(final.searchParams.get('error')).toBeNull();
    const row = await t.db.query<{ email_verified: boolean }>('SELECT email_verified FROM auth.users WHERE email = $1', ['real2@example.com']);
    expect(row.rows[0]?.email_verified).toBe(false);
  });

  it('Entra ID: signs up from userinfo, with PKCE towards the provider', async () => {
    op.account = { sub: 'entra-real-1', email: 'grace.real@contoso.example', email_verified: true, name: 'Grace Real' };
    const { final, authorizationUrl } = await signInWithProvider(t, 'entraid', {});
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
    const session = await t.request('POST', '/token', { body: { refreshToken: final.searchParams.get('refreshToken') } });
    expect(session.body.user).toMatchObject({ email: 'grace.real@contoso.example', emailVerified: true, displayName: 'Grace Real' });
  });
});
