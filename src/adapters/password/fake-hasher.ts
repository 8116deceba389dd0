import { Buffer } from 'node:buffer';
import bcrypt from 'bcrypt';
import { dummyHashFor, toHashKey, toVerifiableHash, toVerifyKey } from './bcrypt-format.js';
import { PasswordHasherClosedError } from './password-hasher.js';
import type { PasswordHasher, PasswordHasherStats } from './password-hasher.js';

export type PasswordHasherCall =
  | { op: 'hash'; password: string }
  | { op: 'verify'; password: string; hash: string | null | undefined };

/** A `PasswordHasher` for tests that records every call and can be told to fail. */
export interface FakePasswordHasher extends PasswordHasher {
  readonly calls: readonly PasswordHasherCall[];
  /** Makes the next `hash` or `verify` reject with `error` (e.g. `new PasswordQueueFullError(0)`). */
  failNextWith(error: Error): void;
}

/**
 * Real bcrypt, on the calling thread, at cost 4 by default (about 1 ms): the hashes it writes are
 * genuine `$2a$` strings that the worker pool and the reference both verify, and it applies the
 * same rules (72-byte limit, `$2y$`, dummy comparison) through `bcrypt-format.ts`.
 */
export function createFakePasswordHasher(options: { cost?: number } = {}): FakePasswordHasher {
  const cost = options.cost ?? 4;
  const dummyHash = dummyHashFor(cost);
  const calls: PasswordHasherCall[] = [];
  let pendingFailure: Error | null = null;
  let isClosed = false;

  function takeFailure(): void {
    if (isClosed) throw new PasswordHasherClosedError();
    const failure = pendingFailure;
    pendingFailure = null;
    if (failure) throw failure;
  }

  return {
    calls,
    failNextWith(error) {
      pendingFailure = error;
    },
    async hash(password) {
      calls.push({ op: 'hash', password });
      takeFailure();
      return bcrypt.hashSync(Buffer.from(toHashKey(password)), bcrypt.genSaltSync(cost, 'a'));
    },
    async verify(password, hash) {
      calls.push({ op: 'verify', password, hash });
      takeFailure();
      const key = Buffer.from(toVerifyKey(password));
      const verifiable = toVerifiableHash(hash);
      if (verifiable === null) {
        bcrypt.compareSync(key, dummyHash);
        return false;
      }
      return bcrypt.compareSync(key, verifiable);
    },
    async close() {
      isClosed = true;
    },
    stats(): PasswordHasherStats {
      return { workers: 0, busy: 0, queued: 0 };
    },
  };
}
