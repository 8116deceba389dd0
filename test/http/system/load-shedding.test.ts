import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniqueEmail, type TestApp } from '../../support/app.js';

// Deliberate difference S5 (docs/compat.md): a full password-hash queue answers 429 at once
// instead of letting latency grow without bound.
describe('password hashing under load', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false',
        AUTH_PASSWORD_HASH_COST: '13', // ~0.3-0.7 s a hash: the queue fills before it drains
        AUTH_PASSWORD_HASH_WORKERS: '1',
        AUTH_PASSWORD_HASH_QUEUE_LIMIT: '1',
      },
    });
  });
  afterAll(() => t.close());

  it('sheds sign-ins beyond the queue with 429 and Retry-After, and serves the rest', async () => {
    const email = uniqueEmail('shed');
    const password = 'correct-horse-battery';
    expect((await t.request('POST', '/signup/email-password', { body: { email, password } })).status).toBe(200);

    const answers = await Promise.all(
      Array.from({ length: 6 }, () => t.request('POST', '/signin/email-password', { body: { email, password } })),
    );
    const statuses = answers.map((a) => a.status).sort();
    // One hash runs, one waits: the other four are shed at once.
    expect(statuses).toEqual([200, 200, 429, 429, 429, 429]);
    for (const shed of answers.filter((a) => a.status === 429)) {
      expect(shed.headers.get('retry-after')).toBe('1');
      expect(shed.text).toBe('');
    }
    // Once the queue drains, sign-in works again.
    expect((await t.request('POST', '/signin/email-password', { body: { email, password } })).status).toBe(200);
  });
});
