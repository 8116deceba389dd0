import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBcryptPool } from './bcrypt-pool.js';
import { createFakePasswordHasher } from './fake-hasher.js';
import {
  PasswordHasherClosedError,
  PasswordQueueFullError,
  PasswordTooLongError,
} from './password-hasher.js';
import type { PasswordHasher } from './password-hasher.js';

// Independent vectors: crypt_blowfish's test suite (Openwall) and the PHP manual's $2y$ example.
const INDEPENDENT_VECTORS: ReadonlyArray<readonly [password: string, hash: string]> = [
  ['U*U', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
  ['U*U*U', '$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a'],
  ['', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy'],
  [
    '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789chars after 72 are ignored',
    '$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui',
  ],
  ['rasmuslerdorf', '$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a'],
];

// Generated with the bcrypt package (cost 4) for a password with 2-, 3- and 4-byte UTF-8 characters;
// the $2y$ one is a $2b$ hash relabelled, as PHP would write it.
const UNICODE_PASSWORD = 'Pässwörd-€-😀';
const UNICODE_VECTORS = {
  $2a$: '$2a$04$xjnqmODm20p8KOgAAO4IsuYpG01SAEB0yoyE8dL7a96JmcEzpb282',
  $2b$: '$2b$04$r8zR.vAslEu.0pOSb1.B7OHaewq6Z1ei1ov4p6SOiYFQavtLiSCym',
  $2y$: '$2y$04$7CmHxxMrcDtGmRjWxE34Te8DefZY9Ks2UaRH8DxVXr5HdLzr3.R9S',
};

describe('bcrypt pool', () => {
  let hasher: PasswordHasher;
  beforeAll(() => {
    hasher = createBcryptPool({ cost: 4, workers: 2, queueLimit: 100 });
  });
  afterAll(() => hasher.close());

  it('hashes as $2a$ at the configured cost and verifies the result', async () => {
    const hash = await hasher.hash('s3cret-password');
    expect(hash).toMatch(/^\$2a\$04\$[./A-Za-z0-9]{53}$/);
    await expect(hasher.verify('s3cret-password', hash)).resolves.toBe(true);
    await expect(hasher.verify('s3cret-passworD', hash)).resolves.toBe(false);
  });

  it('salts every hash differently', async () => {
    const [first, second] = await Promise.all([hasher.hash('same'), hasher.hash('same')]);
    expect(first).not.toBe(second);
  });

  it.each(INDEPENDENT_VECTORS)('verifies the reference vector for %j', async (password, hash) => {
    await expect(hasher.verify(password, hash)).resolves.toBe(true);
    await expect(hasher.verify(`x${password}`, hash)).resolves.toBe(false);
  });

  it.each(Object.entries(UNICODE_VECTORS))('verifies a %s hash of a multi-byte password', async (_prefix, hash) => {
    await expect(hasher.verify(UNICODE_PASSWORD, hash)).resolves.toBe(true);
    await expect(hasher.verify('Passwörd-€-😀', hash)).resolves.toBe(false);
  });

  it.each([null, undefined, '', 'not-a-hash', '$2x$04$xjnqmODm20p8KOgAAO4IsuYpG01SAEB0yoyE8dL7a96JmcEzpb282'])(
    'never matches the stored hash %j',
    async (stored) => {
      await expect(hasher.verify('', stored)).resolves.toBe(false);
      await expect(hasher.verify('anything', stored)).resolves.toBe(false);
    },
  );

  it('refuses to hash more than 72 UTF-8 bytes, as the reference does', async () => {
    const seventyTwoBytes = '😀'.repeat(18);
    const hash = await hasher.hash(seventyTwoBytes);
    await expect(hasher.verify(seventyTwoBytes, hash)).resolves.toBe(true);
    await expect(hasher.hash(`${seventyTwoBytes}a`)).rejects.toBeInstanceOf(PasswordTooLongError);
    await expect(hasher.hash('é'.repeat(37))).rejects.toBeInstanceOf(PasswordTooLongError);
  });

  it('ignores bytes after the 72nd when verifying, as Go does', async () => {
    const hash = await hasher.hash('a'.repeat(72));
    await expect(hasher.verify(`${'a'.repeat(72)}anything`, hash)).resolves.toBe(true);
    await expect(hasher.verify('a'.repeat(71), hash)).resolves.toBe(false);
  });

  it('verifies hashes written by the fake hasher, and the fake verifies the pool', async () => {
    const fake = createFakePasswordHasher();
    await expect(hasher.verify('shared', await fake.hash('shared'))).resolves.toBe(true);
    await expect(fake.verify('shared', await hasher.hash('shared'))).resolves.toBe(true);
    await expect(fake.verify(UNICODE_PASSWORD, UNICODE_VECTORS.$2y$)).resolves.toBe(true);
    expect(fake.calls.map((call) => call.op)).toEqual(['hash', 'verify', 'verify']);
  });
});

describe('bcrypt pool dummy comparison', () => {
  let hasher: PasswordHasher;
  afterEach(() => hasher.close());

  it('sends a verify without a usable hash to a worker', async () => {
    hasher = createBcryptPool({ cost: 4, workers: 1, queueLimit: 10 });
    const pending = hasher.verify('password', null);
    expect(hasher.stats()).toMatchObject({ busy: 1, queued: 0 });
    const queuedBehind = hasher.verify('password', '');
    expect(hasher.stats()).toMatchObject({ busy: 1, queued: 1 });
    await expect(Promise.all([pending, queuedBehind])).resolves.toEqual([false, false]);
  });

  // Equal cost for unknown and known accounts: the dummy path must run a full bcrypt at the
  // configured cost. Interleaved runs and minimums keep this stable while other test files compete
  // for the CPU; skipping bcrypt would make the dummy path ~100x faster, far outside these bounds.
  it('takes about as long as verifying a real hash of the configured cost', async () => {
    hasher = createBcryptPool({ cost: 10, workers: 1, queueLimit: 10 });
    const realHash = await hasher.hash('password');
    const timeVerify = async (stored: string | null): Promise<number> => {
      const startedAt = performance.now();
      await hasher.verify('wrong-password', stored);
      return performance.now() - startedAt;
    };
    let real = Number.POSITIVE_INFINITY;
    let dummy = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 5; i++) {
      real = Math.min(real, await timeVerify(realHash));
      dummy = Math.min(dummy, await timeVerify(null));
    }
    expect(dummy / real).toBeGreaterThan(0.25);
    expect(dummy / real).toBeLessThan(4);
  });
});

describe('bcrypt pool load shedding and shutdown', () => {
  let hasher: PasswordHasher;
  afterEach(() => hasher.close());

  it('refuses jobs beyond one per worker plus the queue limit, at once', async () => {
    hasher = createBcryptPool({ cost: 4, workers: 1, queueLimit: 2 });
    const outcomes = Array.from({ length: 5 }, (_, i) => hasher.hash(`password-${i}`));
    expect(hasher.stats()).toEqual({ workers: 1, busy: 1, queued: 2 });
    const settled = await Promise.allSettled(outcomes);
    const rejected = settled.filter((outcome) => outcome.status === 'rejected');
    expect(settled.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(3);
    expect(rejected).toHaveLength(2);
    for (const outcome of rejected) expect(outcome.reason).toBeInstanceOf(PasswordQueueFullError);
    expect(settled.slice(3).every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(hasher.stats()).toEqual({ workers: 1, busy: 0, queued: 0 });
  });

  it('uses one worker per core when asked for 0 workers', () => {
    hasher = createBcryptPool({ cost: 4, workers: 0, queueLimit: 0 });
    expect(hasher.stats().workers).toBe(availableParallelism());
  });

  it('terminates its workers on close and refuses later jobs', async () => {
    hasher = createBcryptPool({ cost: 4, workers: 2, queueLimit: 1 });
    await hasher.hash('warm-up');
    await hasher.close();
    expect(hasher.stats()).toEqual({ workers: 0, busy: 0, queued: 0 });
    await expect(hasher.hash('late')).rejects.toBeInstanceOf(PasswordHasherClosedError);
    await expect(hasher.verify('late', null)).rejects.toBeInstanceOf(PasswordHasherClosedError);
  });

  it('rejects running and queued jobs when closed', async () => {
    hasher = createBcryptPool({ cost: 12, workers: 1, queueLimit: 1 });
    const outcomes = Promise.allSettled([hasher.hash('running'), hasher.hash('queued')]);
    expect(hasher.stats()).toMatchObject({ busy: 1, queued: 1 });
    await hasher.close();
    for (const outcome of await outcomes) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: expect.any(PasswordHasherClosedError) });
    }
  });
});

describe('bcrypt pool options', () => {
  it('rejects invalid options at creation, before starting any worker', () => {
    expect(() => createBcryptPool({ cost: 3, workers: 1, queueLimit: 0 })).toThrow(RangeError);
    expect(() => createBcryptPool({ cost: 32, workers: 1, queueLimit: 0 })).toThrow(RangeError);
    expect(() => createBcryptPool({ cost: 10, workers: -1, queueLimit: 0 })).toThrow(RangeError);
    expect(() => createBcryptPool({ cost: 10, workers: 1, queueLimit: -1 })).toThrow(RangeError);
  });
});
