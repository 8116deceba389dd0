import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { assertBcryptCost, dummyHashFor, toHashKey, toVerifiableHash, toVerifyKey } from './bcrypt-format.js';
import { PasswordWorkerJobError } from './password-hasher.js';
import type { PasswordHasher } from './password-hasher.js';
import { createWorkerPool } from './worker-pool.js';

export interface BcryptPoolOptions {
  /** bcrypt cost for new hashes and for the dummy comparison (the reference uses 10). */
  cost: number;
  /** Worker threads; 0 means one per available core. */
  workers: number;
  /** Jobs allowed to wait for a worker before new ones are refused with `PasswordQueueFullError`. */
  queueLimit: number;
}

type BcryptJob = { op: 'hash'; key: Uint8Array; cost: number } | { op: 'compare'; key: Uint8Array; hash: string };

// Runs inside each worker. Plain CommonJS so it needs no build step (see `WorkerPoolOptions.source`).
// The synchronous bcrypt calls are the point: a worker does one job at a time, so blocking its own
// thread costs nothing, while bcrypt's async API adds a libuv hop per job (about 8 % slower).
const WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptPath);

parentPort.on('message', (job) => {
  let reply;
  try {
    const key = Buffer.from(job.key.buffer, job.key.byteOffset, job.key.byteLength);
    if (job.op === 'hash') {
      reply = { ok: true, value: bcrypt.hashSync(key, bcrypt.genSaltSync(job.cost, 'a')) };
    } else if (job.op === 'compare') {
      reply = { ok: true, value: bcrypt.compareSync(key, job.hash) };
    } else {
      reply = { ok: false, message: 'unknown job ' + String(job.op) };
    }
  } catch (err) {
    reply = { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  parentPort.postMessage(reply);
});
`;

/**
 * A `PasswordHasher` that runs the native `bcrypt` package's synchronous API in worker threads,
 * keeping the event loop free, and refuses work beyond `workers + queueLimit` jobs in flight.
 */
export function createBcryptPool(options: BcryptPoolOptions): PasswordHasher {
  const { cost, queueLimit } = options;
  assertBcryptCost(cost);
  const dummyHash = dummyHashFor(cost);
  const pool = createWorkerPool({
    source: WORKER_SOURCE,
    // Resolved here, against this package, because an evaluated worker has no useful location.
    workerData: { bcryptPath: createRequire(import.meta.url).resolve('bcrypt') },
    size: options.workers === 0 ? availableParallelism() : options.workers,
    queueLimit,
  });

  async function compare(key: Uint8Array, hash: string): Promise<boolean> {
    const job: BcryptJob = { op: 'compare', key, hash };
    const matched = await pool.run(job);
    if (typeof matched !== 'boolean') throw new PasswordWorkerJobError('compare returned a non-boolean');
    return matched;
  }

  return {
    async hash(password) {
      // Written as `$2a$`, like the reference: pgcrypto's crypt() only understands `$2a$`, and
      // Hasura actions or SQL may check passwords with it (SCHEMA.md §10.2).
      const job: BcryptJob = { op: 'hash', key: toHashKey(password), cost };
      const hash = await pool.run(job);
      if (typeof hash !== 'string') throw new PasswordWorkerJobError('hash returned a non-string');
      return hash;
    },

    async verify(password, hash) {
      const key = toVerifyKey(password);
      const verifiable = toVerifiableHash(hash);
      if (verifiable === null) {
        // No usable hash (unknown account, passwordless user, corrupt row). Still run one full
        // comparison at the configured cost and discard the result, so the answer takes as long
        // as for an account with a password and timing does not reveal which accounts exist.
        await compare(key, dummyHash);
        return false;
      }
      return compare(key, verifiable);
    },

    close: () => pool.close(),
    stats: () => pool.stats(),
  };
}
