/**
 * The whole OAuth sign-in in headless Chromium, as a user does it: an application page (on
 * AUTH_CLIENT_URL) links to GET /signin/provider/github; the browser lands on the provider's
 * consent page (the fake GitHub of test/support/fake-providers.ts behind a page with a real
 * button), clicks Authorize, comes back through our callback (with the state cookie our server
 * set in this browser) to the application with a refresh token in the URL; the page exchanges it
 * at POST /token and reads GET /user, and checks the answers itself.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBrowserAvailable, launchBrowser } from '../../support/browser.js';
import { githubAccount, startFakeGithub, type FakeProviderSetup } from '../../support/fake-providers.js';
import { startTestApp, type TestApp } from '../../support/app.js';

const EMAIL = 'browser-octo@example.com';

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

const close = (server: Server | undefined) => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
const html = (res: ServerResponse, body: string) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><body>${body}</body></html>`);
const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The application: a start page with the sign-in link, and the page the sign-in returns to. */
function applicationPage(authBase: () => string, appUrl: () => string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', appUrl());
    if (url.pathname === '/') {
      const start = `${authBase()}/signin/provider/github?redirectTo=${encodeURIComponent(`${appUrl()}/signed-in`)}`;
      return html(res, `<h1>My app</h1><a id="sign-in" href="${escape(start)}">Sign in with GitHub</a>`);
    }
    if (url.pathname === '/signed-in') {
      return html(
        res,
        `<pre id="result">working…</pre><script>
          (async () => {
            const auth = ${JSON.stringify(authBase())};
            const refreshToken = new URL(location.href).searchParams.get('refreshToken');
            const tokenRes = await fetch(auth + '/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }) });
            const session = await tokenRes.json();
            const userRes = await fetch(auth + '/user', { headers: { authorization: 'Bearer ' + session.accessToken } });
            const user = await userRes.json();
            const ok = tokenRes.status === 200 && userRes.status === 200 && user.email === ${JSON.stringify(EMAIL)} && session.refreshToken !== refreshToken;
            document.getElementById('result').textContent = JSON.stringify({ ok, hadRefreshToken: !!refreshToken, tokenStatus: tokenRes.status, userStatus: userRes.status, user });
          })().catch((err) => { document.getElementById('result').textContent = JSON.stringify({ ok: false, error: String(err) }); });
        </script>`,
      );
    }
    res.writeHead(404).end();
  };
}

/** GitHub's consent page in front of the fake: a form that sends the same authorization request on. */
function consentPage(fakeUrl: () => string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://consent.invalid');
    if (url.pathname !== '/login/oauth/authorize') return void res.writeHead(404).end();
    const fields = [...url.searchParams].map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`).join('');
    html(res, `<h1>Authorize latchkey-e2e?</h1><form method="get" action="${escape(`${fakeUrl()}/authorize`)}">${fields}<button id="authorize" type="submit">Authorize</button></form>`);
  };
}

describe.skipIf(!isBrowserAvailable)('OAuth sign-in in a real browser', () => {
  let github: FakeProviderSetup;
  let t: TestApp;
  let browser: Browser;
  let app: Awaited<ReturnType<typeof listen>>;
  let consent: Awaited<ReturnType<typeof listen>>;
  let appUrl = '';

  beforeAll(async () => {
    github = await startFakeGithub();
    github.fake.account = githubAccount(4242, [{ email: EMAIL, verified: true, primary: true }]);
    consent = await listen(consentPage(() => github.fake.url));
    app = await listen(applicationPage(() => t.baseUrl, () => appUrl));
    // Another host than the auth server's 127.0.0.1, so the page's API calls are cross-origin as in real life.
    appUrl = `http://localhost:${app.port}`;
    [t, browser] = await Promise.all([
      startTestApp({
        env: {
          ...github.env,
          AUTH_PROVIDER_GITHUB_AUTHORIZATION_URL: `http://127.0.0.1:${consent.port}/login/oauth/authorize`,
          AUTH_CLIENT_URL: appUrl,
          AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false',
          AUTH_ENABLE_CHANGE_ENV: 'true',
        },
      }),
      launchBrowser(),
    ]);
    // The provider must send the browser back to the port the app really listens on.
    const changed = await t.request('POST', '/change-env', { body: { AUTH_SERVER_URL: t.origin } });
    expect(changed.status, changed.text).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await Promise.all([close(app?.server), close(consent?.server), github?.fake.close()]);
  });

  it('signs in through the provider consent page and the app uses the session', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${appUrl}/`);
      await page.click('#sign-in');
      await page.waitForSelector('#authorize');
      expect(page.url()).toContain(`127.0.0.1:${consent.port}/login/oauth/authorize`);
      await page.click('#authorize');
      await page.waitForURL(`${appUrl}/signed-in?**`);
      expect(new URL(page.url()).searchParams.get('refreshToken')).toMatch(/^[0-9a-f-]{36}$/);
      await page.locator('#result', { hasNotText: 'working…' }).waitFor();
      const result = JSON.parse((await page.textContent('#result')) ?? '{}');
      expect(result).toMatchObject({ ok: true, hadRefreshToken: true, tokenStatus: 200, userStatus: 200, user: { email: EMAIL, emailVerified: true } });
      // The state cookie was spent and cleared by the callback.
      expect((await context.cookies()).filter((c) => c.name.startsWith('latchkey-oauth-'))).toEqual([]);
    } finally {
      await context.close();
    }
  }, 20_000);
});
