import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract, send, startTestApp, type TestApp } from '../../support/app.js';

describe('GET/HEAD /healthz', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_API_PREFIX: '/v1' } });
  });
  afterAll(() => t.close());

  it('answers the JSON string "OK" under the prefix', async () => {
    const res = await t.request('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.text).toBe('"OK"');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expectContract('healthCheckGet', res);
  });

  it('answers HEAD with 200 and no body', async () => {
    const res = await t.request('HEAD', '/healthz');
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
  });

  it('also answers the un-prefixed path for load balancers', async () => {
    const get = await send(`${t.origin}/healthz`, 'GET');
    expect(get.status).toBe(200);
    expect(get.body).toEqual({ status: 'ok' });
    const head = await send(`${t.origin}/healthz`, 'HEAD');
    expect(head.status).toBe(200);
  });

  it('answers unknown paths with 404 and a JSON body the SDK can parse', async () => {
    const res = await t.request('GET', '/no-such-path');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: '404 page not found' });
  });
});
