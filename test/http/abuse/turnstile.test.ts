import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract, startTestApp, uniqueEmail, type ApiResponse, type TestApp } from '../../support/app.js';
import { startFakeHttp, type FakeHttp } from '../../support/fake-http.js';

// Cloudflare Turnstile (API.md §1.11.3, API-NEWER.md §2.1): a fake siteverify on 127.0.0.1.
const SECRET = 'turnstile-test-secret';

let siteverify: FakeHttp;
let t: TestApp;

beforeAll(async () => {
  siteverify = await startFakeHttp(() => ({ status: 200, body: JSON.stringify({ success: true, 'error-codes': [] }) }));
  t = await startTestApp({
    env: {
      AUTH_TURNSTILE_SECRET: SECRET,
      AUTH_TURNSTILE_VERIFY_URL: `${siteverify.origin}/turnstile/v0/siteverify`,
      AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false',
      AUTH_EMAIL_PASSWORDLESS_ENABLED: 'true',
    },
  });
});
afterAll(async () => {
  await t?.close();
  await siteverify?.close();
});

function post(path: string, body: unknown, token?: string): Promise<ApiResponse> {
  return t.request('POST', path, { body, headers: token === undefined ? {} : { 'x-cf-turnstile-response': token } });
}

describe('Cloudflare Turnstile', () => {
  it('refuses a protected request without the header with 403 and the reference body, asking nobody', async () => {
    siteverify.requests.length = 0;
    for (const path of ['/signup/email-password', '/signin/passwordless/email', '/user/password/reset', '/signup/webauthn', '/signin/passwordless/sms/otp']) {
      const res = await post(path, { email: uniqueEmail('ts') });
      expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 403, body: { error: 'missing x-cf-turnstile-response header' } });
    }
    expect((await post('/signup/email-password', { email: uniqueEmail('ts') }, '')).status).toBe(403);
    expect(siteverify.requests).toHaveLength(0);
  });

  it('verifies the token with the secret and the client address, then serves the request', async () => {
    siteverify.requests.length = 0;
    const email = uniqueEmail('ts');
    const res = await post('/signup/email-password', { email, password: 'a-good-password-123' }, 'token-from-widget');
    expect(res.status, res.text).toBe(200);
    expectContract('signUpEmailPassword', res);
    expect(siteverify.requests).toHaveLength(1);
    const call = siteverify.requests[0]!;
    expect(call.method).toBe('POST');
    expect(call.url).toBe('/turnstile/v0/siteverify');
    expect(call.headers['content-type']).toBe('application/json');
    expect(JSON.parse(call.body)).toEqual({ secret: SECRET, response: 'token-from-widget', remoteip: '127.0.0.1' });
  });

  it('answers 403 with Cloudflare\'s error codes when the token is refused', async () => {
    siteverify.answer = () => ({ status: 200, body: JSON.stringify({ success: false, 'error-codes': ['invalid-input-response', 'timeout-or-duplicate'] }) });
    try {
      const res = await post('/signin/passwordless/email', { email: uniqueEmail('ts') }, 'forged"token');
      expect({ status: res.status, body: res.body }).toEqual({ status: 403, body: { error: 'failed to pass turnstile: [invalid-input-response timeout-or-duplicate]' } });
      // The token travels JSON-encoded (the reference concatenated strings).
      expect(JSON.parse(siteverify.requests.at(-1)!.body).response).toBe('forged"token');
    } finally {
      siteverify.answer = () => ({ status: 200, body: JSON.stringify({ success: true }) });
    }
  });

  it('answers 500 when siteverify cannot give a verdict', async () => {
    siteverify.answer = () => ({ status: 502, body: '<html>bad gateway</html>', contentType: 'text/html' });
    try {
      const res = await post('/user/password/reset', { email: uniqueEmail('ts') }, 'token');
      expect({ status: res.status, body: res.body }).toEqual({ status: 500, body: { error: 'internal server error when attempting to pass turnstile' } });
    } finally {
      siteverify.answer = () => ({ status: 200, body: JSON.stringify({ success: true }) });
    }
  });

  it('leaves other routes, and the verify and callback steps, alone', async () => {
    siteverify.requests.length = 0;
    expect((await post('/signin/email-password', { email: uniqueEmail('ts'), password: 'wrong-password' })).status).toBe(401);
    expect((await post('/signup/webauthn/verify', {})).status).not.toBe(403);
    expect((await t.request('GET', '/healthz')).status).toBe(200);
    expect(siteverify.requests).toHaveLength(0);
  });
});
