import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniqueEmail, type TestApp } from '../../support/app.js';

/** One hash at a time (~0.3-0.7 s each at cost 13), one waiting: the queue fills before it drains. */
function startBusyApp(env: Record<string, string> = {}): Promise<TestApp> {
  return startTestApp({
    env: {
      AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false',
      AUTH_PASSWORD_HASH_COST: '13',
      AUTH_PASSWORD_HASH_WORKERS: '1',
      AUTH_PASSWORD_HASH_QUEUE_LIMIT: '1',
      ...env,
    },
  });
}

// Deliberate difference S5 (docs/compat.md): a full password-hash queue answers 429 at once
// instead of letting latency grow without bound.
describe('password hashing under load', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startBusyApp();
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

// A shed sign-in never compared the password, so it must not count towards the per-account
// lockout (docs/compat.md S22): otherwise a busy server would lock out users who typed it right.
describe('password hashing under load, with the lockout on', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startBusyApp({ AUTH_LOCKOUT_MAX_FAILURES: '2' });
  });
  afterAll(() => t.close());

  const signIn = (email: string, password: string) => t.request('POST', '/signin/email-password', { body: { email, password } });

  it('does not count shed attempts towards the lock', async () => {
    const password = 'correct-horse-battery';
    const [busy, shed] = [uniqueEmail('busy'), uniqueEmail('shed')];
    for (const email of [busy, shed]) {
      expect((await t.request('POST', '/signup/email-password', { body: { email, password } })).status).toBe(200);
    }

    // Another user's sign-ins fill the worker and the queue; only then do three of ours arrive.
    const filling = [signIn(busy, password), signIn(busy, password)];
    const hasher = t.app.deps().hasher;
    await expect.poll(() => hasher.stats(), { timeout: 10_000, interval: 5 }).toMatchObject({ busy: 1, queued: 1 });
    const ours = await Promise.all([signIn(shed, password), signIn(shed, password), signIn(shed, password)]);
    expect(ours.map((a) => a.status)).toEqual([429, 429, 429]);
    expect((await Promise.all(filling)).map((a) => a.status)).toEqual([200, 200]);

    // Three claimed attempts would have locked the account (limit 2); none of them was checked.
    const { rows } = await t.db.query<{ failures: number; locked_until: Date | null }>(
      'SELECT failures, locked_until FROM latchkey.lockouts WHERE kind = $1 AND account = $2',
      ['password', shed.toLowerCase()],
    );
    expect(rows[0] ?? { failures: 0, locked_until: null }).toMatchObject({ failures: 0, locked_until: null });
    expect((await signIn(shed, password)).status).toBe(200);
  });
});
