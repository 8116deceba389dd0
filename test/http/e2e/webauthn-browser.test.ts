import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniqueEmail, type TestApp } from '../../support/app.js';
import { isBrowserAvailable, launchBrowser } from '../../support/browser.js';

// One end-to-end journey in headless Chromium with its virtual authenticator (CDP WebAuthn
// domain): a page on http://localhost:<port> (RP id `localhost`, an allowed origin) registers a
// passkey through POST /signup/webauthn and signs in with it through POST /signin/webauthn,
// discoverable, without an e-mail. The browser, not our test code, builds the credentials.

const PAGE = `<!doctype html><meta charset="utf-8"><title>passkey</title><script>
const toBytes = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4)), (c) => c.charCodeAt(0));
const toB64url = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
async function post(api, path, body) {
  const res = await fetch(api + path, { method: 'POST', headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(path + ' ' + res.status + ' ' + text);
  return JSON.parse(text);
}
window.signUp = async (api, email) => {
  const o = await post(api, '/signup/webauthn', { email });
  const cred = await navigator.credentials.create({ publicKey: { ...o, challenge: toBytes(o.challenge), user: { ...o.user, id: toBytes(o.user.id) } } });
  const credential = { id: cred.id, rawId: toB64url(cred.rawId), type: cred.type, clientExtensionResults: cred.getClientExtensionResults(),
    response: { clientDataJSON: toB64url(cred.response.clientDataJSON), attestationObject: toB64url(cred.response.attestationObject), transports: cred.response.getTransports() } };
  return post(api, '/signup/webauthn/verify', { credential });
};
window.signIn = async (api) => {
  const o = await post(api, '/signin/webauthn');
  const cred = await navigator.credentials.get({ publicKey: { ...o, challenge: toBytes(o.challenge) } });
  const r = cred.response;
  const credential = { id: cred.id, rawId: toB64url(cred.rawId), type: cred.type, clientExtensionResults: cred.getClientExtensionResults(),
    response: { clientDataJSON: toB64url(r.clientDataJSON), authenticatorData: toB64url(r.authenticatorData), signature: toB64url(r.signature), userHandle: r.userHandle ? toB64url(r.userHandle) : null } };
  return post(api, '/signin/webauthn/verify', { credential });
};
</script><p>ready</p>`;

describe.skipIf(!isBrowserAvailable)('a passkey in headless Chromium', () => {
  let page: Server;
  let origin: string;
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    page = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    origin = `http://localhost:${(page.address() as AddressInfo).port}`;
    t = await startTestApp({ env: { AUTH_WEBAUTHN_ENABLED: 'true', AUTH_WEBAUTHN_RP_ID: 'localhost', AUTH_WEBAUTHN_RP_ORIGINS: origin, AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false' } });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await new Promise((resolve) => page?.close(resolve));
  });

  it('registers a passkey through our API and signs in with it', async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    const cdp = await context.newCDPSession(tab);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await tab.goto(origin);
    // The API is on 127.0.0.1, another origin than the page: CORS lets the page call it.
    const api = t.baseUrl;
    const email = uniqueEmail('browser');

    const signUp = await tab.evaluate(([a, e]) => (globalThis as any).signUp(a, e), [api, email] as const);
    expect(signUp.session.user.email).toBe(email);
    const userId = signUp.session.user.id;

    const signIn = await tab.evaluate((a) => (globalThis as any).signIn(a), api);
    expect(signIn.session.user.id).toBe(userId);
    const { rows } = await t.db.query<{ counter: number }>('SELECT counter::int AS counter FROM auth.user_security_keys WHERE user_id = $1', [userId]);
    expect(rows).toHaveLength(1);
    await context.close();
  }, 60_000);
});
