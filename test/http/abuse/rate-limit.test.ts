import { randomUUID } from 'node:crypto';
import { Socket } from 'node:net';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config/load.js';
import { BASE_ENV, capturingLogger, send, startTestApp, type ApiResponse, type TestApp } from '../../support/app.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

// Deliberate difference (README decisions, docs/compat.md S21): rate limiting is on by
// default with the reference's limits, every class keeps its own counters, IPv6 clients are
// grouped by /64 and forwarded headers count only from AUTH_TRUSTED_PROXIES.

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const isRedisUp = await new Promise<boolean>((resolve) => {
  const { hostname, port } = new URL(REDIS_URL);
  const socket = new Socket();
  socket.setTimeout(500);
  socket.once('connect', () => (socket.destroy(), resolve(true)));
  socket.once('error', () => resolve(false));
  socket.once('timeout', () => (socket.destroy(), resolve(false)));
  socket.connect(Number(port || 6379), hostname);
});

// One database for the file: the limiter keeps its counters outside it, and each test starts its
// own app (so its own in-memory counters).
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

const apps: TestApp[] = [];
afterEach(async () => {
  while (apps.length > 0) await apps.pop()!.close();
});

async function start(env: Record<string, string>, log?: ReturnType<typeof capturingLogger>['log']): Promise<TestApp> {
  const t = await startTestApp({ database, env: { AUTH_RATE_LIMIT_ENABLE: 'true', ...env }, ...(log ? { log } : {}) });
  apps.push(t);
  return t;
}

const health = (t: TestApp, headers: Record<string, string> = {}): Promise<ApiResponse> => t.request('GET', '/healthz', { headers });

async function statusesOf(requests: Promise<ApiResponse>[]): Promise<number[]> {
  return (await Promise.all(requests)).map((r) => r.status);
}

describe('rate limiting', () => {
  it('lets exactly the configured number through, then answers 429 with Retry-After and an empty body', async () => {
    const t = await start({ AUTH_RATE_LIMIT_GLOBAL_BURST: '3', AUTH_RATE_LIMIT_GLOBAL_INTERVAL: '1m' });
    for (let i = 0; i < 3; i += 1) expect((await health(t)).status).toBe(200);
    const refused = await health(t);
    expect(refused.status).toBe(429);
    expect(refused.text).toBe('');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Refusals apply to every route, known or not.
    expect((await t.request('POST', '/signin/anonymous', { body: {} })).status).toBe(429);
  });

  it('lets exactly one of many simultaneous requests at the edge through', async () => {
    const t = await start({ AUTH_RATE_LIMIT_GLOBAL_BURST: '5' });
    for (let i = 0; i < 4; i += 1) expect((await health(t)).status).toBe(200);
    const statuses = await statusesOf(Array.from({ length: 12 }, () => health(t)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 429)).toHaveLength(11);
  });

  it('keeps independent counters for brute force and sign-ups (the reference shared them)', async () => {
    const t = await start({ AUTH_RATE_LIMIT_BRUTE_FORCE_BURST: '2', AUTH_RATE_LIMIT_SIGNUPS_BURST: '2', AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false' });
    const signUp = () => t.request('POST', '/signup/email-password', { body: {} });
    const signIn = () => t.request('POST', '/signin/email-password', { body: {} });
    expect([(await signUp()).status, (await signUp()).status, (await signUp()).status]).toEqual([400, 400, 429]);
    // Had the sign-ups used the brute-force counter, these would already be refused.
    expect([(await signIn()).status, (await signIn()).status, (await signIn()).status]).toEqual([400, 400, 429]);
    // Neither touched the e-mail class nor the global one (burst 100).
    expect((await health(t)).status).toBe(200);
  });

  it('counts e-mail sending per client, or in one bucket for everyone when configured global', async () => {
    const t = await start({ AUTH_RATE_LIMIT_EMAIL_BURST: '1', AUTH_RATE_LIMIT_EMAIL_IS_GLOBAL: 'true', AUTH_TRUSTED_PROXIES: '127.0.0.1' });
    const reset = (ip: string) => t.request('POST', '/user/password/reset', { body: {}, headers: { 'x-forwarded-for': ip } });
    expect((await reset('203.0.113.1')).status).toBe(400);
    expect((await reset('203.0.113.2')).status).toBe(429);

    const perClient = await start({ AUTH_RATE_LIMIT_EMAIL_BURST: '1', AUTH_TRUSTED_PROXIES: '127.0.0.1' });
    const resetVia = (ip: string) => perClient.request('POST', '/user/password/reset', { body: {}, headers: { 'x-forwarded-for': ip } });
    expect((await resetVia('203.0.113.1')).status).toBe(400);
    expect((await resetVia('203.0.113.1')).status).toBe(429);
    expect((await resetVia('203.0.113.2')).status).toBe(400);
  });

  it('puts two addresses of one IPv6 /64 behind a trusted proxy in one bucket, and IPv4-mapped with IPv4', async () => {
    const t = await start({ AUTH_RATE_LIMIT_GLOBAL_BURST: '2', AUTH_TRUSTED_PROXIES: '127.0.0.1' });
    const from = (ip: string) => health(t, { 'x-forwarded-for': ip });
    expect((await from('2001:db8:1:2::a')).status).toBe(200);
    expect((await from('2001:db8:1:2:ffff:ffff:ffff:b')).status).toBe(200);
    expect((await from('2001:db8:1:2::c')).status).toBe(429);
    // Another /64 is another client.
    expect((await from('2001:db8:1:3::a')).status).toBe(200);
    // X-Real-IP is used when X-Forwarded-For is absent; IPv4-mapped IPv6 is the IPv4 client.
    expect((await health(t, { 'x-real-ip': '198.51.100.7' })).status).toBe(200);
    expect((await from('::ffff:198.51.100.7')).status).toBe(200);
    expect((await from('198.51.100.7')).status).toBe(429);
  });

  it('ignores X-Forwarded-For and X-Real-IP from a peer that is not a trusted proxy', async () => {
    const t = await start({ AUTH_RATE_LIMIT_GLOBAL_BURST: '2', AUTH_TRUSTED_PROXIES: '10.0.0.0/8' });
    const spoofed = (n: number) => health(t, { 'x-forwarded-for': `203.0.113.${n}`, 'x-real-ip': `198.51.100.${n}` });
    expect(await statusesOf([spoofed(1)])).toEqual([200]);
    expect(await statusesOf([spoofed(2)])).toEqual([200]);
    expect(await statusesOf([spoofed(3)])).toEqual([429]);
  });

  it('applies AUTH_API_PREFIX before classifying', async () => {
    const t = await start({ AUTH_API_PREFIX: '/v1', AUTH_RATE_LIMIT_BRUTE_FORCE_BURST: '1' });
    expect((await t.request('POST', '/signin/email-password', { body: {} })).status).toBe(400);
    expect((await t.request('POST', '/signin/email-password', { body: {} })).status).toBe(429);
  });

  it('does not count CORS preflights', async () => {
    const t = await start({ AUTH_RATE_LIMIT_GLOBAL_BURST: '1' });
    for (let i = 0; i < 3; i += 1) expect((await t.request('OPTIONS', '/healthz', { headers: { origin: 'http://x.test' } })).status).toBe(204);
    expect((await health(t)).status).toBe(200);
    expect((await health(t)).status).toBe(429);
  });

  it('says at start-up that memcached is not supported, and limits in memory instead', async () => {
    const { log, lines } = capturingLogger();
    const t = await start({ AUTH_RATE_LIMIT_MEMCACHE_SERVER: '127.0.0.1:11211', AUTH_RATE_LIMIT_GLOBAL_BURST: '1' }, log);
    const warning = lines.map((l) => JSON.parse(l)).find((l) => /MEMCACHE_SERVER is not supported/.test(l.msg));
    expect(warning).toMatchObject({ level: 40, memcacheServer: '127.0.0.1:11211' });
    expect((await health(t)).status).toBe(200);
    expect((await health(t)).status).toBe(429);
  });

  it('is on by default: an app without AUTH_RATE_LIMIT_ENABLE refuses the 101st request in a minute', async () => {
    const env: Record<string, string> = { ...BASE_ENV };
    delete env['AUTH_RATE_LIMIT_ENABLE'];
    const app = await createApp(loadConfig(env), { db: database.db, log: pino({ level: 'silent' }) }, env);
    try {
      const origin = (await app.server.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
      const statuses: number[] = [];
      for (let i = 0; i < 101; i += 1) statuses.push((await send(`${origin}/healthz`, 'GET')).status);
      expect(statuses.slice(0, 100).every((s) => s === 200)).toBe(true);
      expect(statuses[100]).toBe(429);
    } finally {
      await app.close();
    }
  });
});

describe.runIf(isRedisUp)('rate limiting with Redis', () => {
  it('enforces one limit across two instances sharing Redis, including simultaneous requests', async () => {
    const env = { AUTH_RATE_LIMIT_GLOBAL_BURST: '4', AUTH_RATE_LIMIT_REDIS_URL: REDIS_URL, AUTH_RATE_LIMIT_MEMCACHE_PREFIX: `test-${randomUUID()}:` };
    const a = await start(env);
    const b = await start(env);
    expect((await health(a)).status).toBe(200);
    expect((await health(b)).status).toBe(200);
    expect((await health(a)).status).toBe(200);
    const statuses = await statusesOf([health(a), health(b), health(a), health(b), health(a), health(b)]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect((await health(b)).status).toBe(429);
  });

  it('falls back to counting in the instance when Redis cannot be reached', async () => {
    const t = await start({ AUTH_RATE_LIMIT_GLOBAL_BURST: '2', AUTH_RATE_LIMIT_REDIS_URL: 'redis://127.0.0.1:1' });
    expect(await statusesOf([health(t)])).toEqual([200]);
    expect(await statusesOf([health(t)])).toEqual([200]);
    expect(await statusesOf([health(t)])).toEqual([429]);
  });
});
