import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract, send, startTestApp, type ApiResponse, type TestApp } from '../../support/app.js';
import { expectValidationFailure } from '../../support/system.js';

const ORIGIN = 'https://app.example.org';

/** Every access-control header of a response, by lower-case name. */
function accessControlHeaders(res: ApiResponse): Record<string, string> {
  return Object.fromEntries([...res.headers.entries()].filter(([name]) => name.startsWith('access-control-')));
}

function corsHeaders(origin: string, requestHeaders = ''): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'POST, GET',
    'access-control-allow-headers': requestHeaders,
    'access-control-allow-credentials': 'true',
    'access-control-max-age': '86400',
  };
}

describe('CORS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_API_PREFIX: '/v1' } });
  });
  afterAll(() => t.close());

  it('echoes the Origin with exactly the reference header set on a normal request', async () => {
    const res = await t.request('GET', '/version', { headers: { origin: ORIGIN } });
    expect(res.status).toBe(200);
    expectContract('getVersion', res);
    expect(accessControlHeaders(res)).toEqual(corsHeaders(ORIGIN));
    expect(res.headers.get('vary')).toBe('Origin, Access-Control-Request-Method');
  });

  it('reflects any origin, also on POST requests', async () => {
    const origin = 'http://localhost:5173';
    const res = await t.request('POST', '/token/verify', { headers: { origin }, raw: '', contentType: 'application/json' });
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('adds the headers to error answers too', async () => {
    const res = await t.request('POST', '/signin/email-password', { headers: { origin: ORIGIN }, raw: '{', contentType: 'application/json' });
    expectValidationFailure(res);
    expect(accessControlHeaders(res)).toEqual(corsHeaders(ORIGIN));
    const notFound = await t.request('GET', '/no-such-path', { headers: { origin: ORIGIN } });
    expect(notFound.status).toBe(404);
    expect(accessControlHeaders(notFound)).toEqual(corsHeaders(ORIGIN));
  });

  it('answers a preflight with 204, no body, and the requested headers echoed', async () => {
    const res = await t.request('OPTIONS', '/signin/email-password', {
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-cf-turnstile-response' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('content-length')).toBe('0');
    expect(res.text).toBe('');
    expect(accessControlHeaders(res)).toEqual(corsHeaders(ORIGIN, 'authorization,content-type,x-cf-turnstile-response'));
    expect(res.headers.get('vary')).toBe('Origin, Access-Control-Request-Method');
  });

  it('answers OPTIONS on any path, unknown ones and ones outside the prefix included', async () => {
    for (const url of [`${t.baseUrl}/no-such-path`, `${t.origin}/anything/at/all`, `${t.baseUrl}/user`]) {
      const res = await send(url, 'OPTIONS', { headers: { origin: ORIGIN, 'access-control-request-headers': 'authorization' } });
      expect(res.status, url).toBe(204);
      expect(res.headers.get('content-length'), url).toBe('0');
      expect(res.text, url).toBe('');
      expect(accessControlHeaders(res), url).toEqual(corsHeaders(ORIGIN, 'authorization'));
    }
  });

  it('answers OPTIONS without an Origin as well, with an empty allowed origin', async () => {
    const res = await t.request('OPTIONS', '/signup/email-password');
    expect(res.status).toBe(204);
    expect(res.headers.get('content-length')).toBe('0');
    expect(accessControlHeaders(res)).toEqual(corsHeaders(''));
  });

  it('does not authenticate or validate a preflight', async () => {
    // GET /user needs a bearer token and POST /pat a body: a preflight carries neither.
    const user = await t.request('OPTIONS', '/user', { headers: { origin: ORIGIN } });
    const pat = await t.request('OPTIONS', '/pat', { headers: { origin: ORIGIN }, raw: '{', contentType: 'application/json' });
    expect([user.status, pat.status]).toEqual([204, 204]);
    expect(pat.text).toBe('');
  });

  it('sends no CORS headers without an Origin on other methods', async () => {
    for (const res of [
      await t.request('GET', '/version'),
      await t.request('GET', '/healthz'),
      await t.request('GET', '/user'),
      await t.request('POST', '/signin/email-password', { raw: '{', contentType: 'application/json' }),
    ]) {
      expect(accessControlHeaders(res)).toEqual({});
      expect(res.headers.get('vary')).toBeNull();
    }
  });
});
