import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract, startTestApp, type TestApp } from '../../support/app.js';

const packageVersion = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('GET /version', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_API_PREFIX: '/v1' } });
  });
  afterAll(() => t.close());

  it('answers the version of the build as {"version": "..."}', async () => {
    const res = await t.request('GET', '/version');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual({ version: packageVersion });
    expectContract('getVersion', res);
  });

  it('needs no token and ignores a broken one', async () => {
    const res = await t.request('GET', '/version', { headers: { authorization: 'Bearer not-a-jwt' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ version: packageVersion });
  });

  it('lives under the API prefix only', async () => {
    const res = await fetch(`${t.origin}/version`);
    expect(res.status).toBe(404);
  });
});
