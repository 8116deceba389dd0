import { afterEach, describe, expect, it } from 'vitest';
import {
  PasswordHasherClosedError,
  PasswordQueueFullError,
  PasswordWorkerCrashedError,
  PasswordWorkerJobError,
} from './password-hasher.js';
import { createWorkerPool } from './worker-pool.js';
import type { WorkerPool } from './worker-pool.js';

// A worker that misbehaves on cue: echoes numbers back after a short busy wait, and crashes,
// throws or answers nonsense when told to.
const SCRIPTED_WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (job) => {
  if (job === 'exit') process.exit(3);
  if (job === 'throw') throw new Error('boom');
  if (job === 'fail') return parentPort.postMessage({ ok: false, message: 'refused' });
  if (job === 'garbage') return parentPort.postMessage(42);
  const until = Date.now() + 20;
  while (Date.now() < until);
  parentPort.postMessage({ ok: true, value: job });
});
`;

describe('worker pool', () => {
  let pool: WorkerPool;
  afterEach(() => pool.close());

  it('runs queued jobs in arrival order', async () => {
    pool = createWorkerPool({ source: SCRIPTED_WORKER, size: 1, queueLimit: 10 });
    const finished: number[] = [];
    await Promise.all([1, 2, 3, 4].map((n) => pool.run(n).then(() => finished.push(n))));
    expect(finished).toEqual([1, 2, 3, 4]);
  });

  it('refuses a job at once when the queue is full', async () => {
    pool = createWorkerPool({ source: SCRIPTED_WORKER, size: 2, queueLimit: 0 });
    const accepted = [pool.run(1), pool.run(2)];
    await expect(pool.run(3)).rejects.toBeInstanceOf(PasswordQueueFullError);
    await expect(Promise.all(accepted)).resolves.toEqual([1, 2]);
  });

  it('rejects the job of a worker that exits, replaces the worker and carries on', async () => {
    pool = createWorkerPool({ source: SCRIPTED_WORKER, size: 1, queueLimit: 5 });
    const crashed = pool.run('exit');
    const queuedBehind = pool.run(7);
    await expect(crashed).rejects.toBeInstanceOf(PasswordWorkerCrashedError);
    await expect(queuedBehind).resolves.toBe(7);
    expect(pool.stats()).toEqual({ workers: 1, busy: 0, queued: 0 });
  });

  it('passes the uncaught error of a crashed worker along as the cause', async () => {
    pool = createWorkerPool({ source: SCRIPTED_WORKER, size: 1, queueLimit: 0 });
    const error = await pool.run('throw').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(PasswordWorkerCrashedError);
    expect((error as Error).cause).toMatchObject({ message: 'boom' });
    await expect(pool.run(8)).resolves.toBe(8);
  });

  it('rejects jobs the worker refuses or answers with nonsense, and keeps the worker', async () => {
    pool = createWorkerPool({ source: SCRIPTED_WORKER, size: 1, queueLimit: 0 });
    await expect(pool.run('fail')).rejects.toThrow(PasswordWorkerJobError);
    await expect(pool.run('garbage')).rejects.toThrow(PasswordWorkerJobError);
    await expect(pool.run(9)).resolves.toBe(9);
  });

  it('rejects jobs rather than hanging when workers cannot start', async () => {
    pool = createWorkerPool({ source: 'throw new Error("no bcrypt here")', size: 1, queueLimit: 2 });
    const outcomes = await Promise.allSettled([pool.run(1), pool.run(2), pool.run(3)]);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: expect.any(PasswordWorkerCrashedError) });
    }
  });

  it('rejects a job that cannot be sent to a worker', async () => {
    pool = createWorkerPool({ source: SCRIPTED_WORKER, size: 1, queueLimit: 0 });
    await expect(pool.run(() => 1)).rejects.toThrow();
    await expect(pool.run(10)).resolves.toBe(10);
  });

  it('closes once, rejecting later jobs', async () => {
    pool = createWorkerPool({ source: SCRIPTED_WORKER, size: 2, queueLimit: 0 });
    await Promise.all([pool.close(), pool.close()]);
    expect(pool.stats().workers).toBe(0);
    await expect(pool.run(1)).rejects.toBeInstanceOf(PasswordHasherClosedError);
  });

  // Worker.terminate() interrupts a thread wherever it is; inside a native addon's load it aborted
  // the whole process in CI. A busy loop stands in for that load and for a running job: close()
  // must let both finish (each marks a shared flag when it does), and only then stop the worker.
  it('lets a worker finish its start-up before stopping it', async () => {
    const done = new Int32Array(new SharedArrayBuffer(4));
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const until = Date.now() + 150;
      while (Date.now() < until);
      Atomics.store(workerData, 0, 1);
      parentPort.on('message', (job) => parentPort.postMessage({ ok: true, value: job }));
    `;
    pool = createWorkerPool({ source, workerData: done, size: 1, queueLimit: 0 });
    await pool.close();
    expect(Atomics.load(done, 0)).toBe(1);
    expect(pool.stats().workers).toBe(0);
  });

  it('rejects the running job at close, lets its worker finish the call, then stops it', async () => {
    const done = new Int32Array(new SharedArrayBuffer(4));
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      parentPort.on('message', (job) => {
        const until = Date.now() + 150;
        while (Date.now() < until);
        Atomics.store(workerData, 0, 1);
        parentPort.postMessage({ ok: true, value: job });
      });
    `;
    pool = createWorkerPool({ source, workerData: done, size: 1, queueLimit: 0 });
    const running = pool.run(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = pool.close();
    await expect(running).rejects.toBeInstanceOf(PasswordHasherClosedError);
    await closed;
    expect(Atomics.load(done, 0)).toBe(1);
  });

  it('terminates a worker that does not stop within the grace', async () => {
    const source = `
      require('node:worker_threads').parentPort.on('message', () => {});
      for (;;);
    `;
    pool = createWorkerPool({ source, size: 1, queueLimit: 0, stopTimeoutMs: 100 });
    await pool.close();
    expect(pool.stats().workers).toBe(0);
  });

  it('refuses a size below one or a negative queue limit', () => {
    expect(() => createWorkerPool({ source: SCRIPTED_WORKER, size: 0, queueLimit: 0 })).toThrow(RangeError);
    expect(() => createWorkerPool({ source: SCRIPTED_WORKER, size: 1, queueLimit: 1.5 })).toThrow(RangeError);
    pool = createWorkerPool({ source: SCRIPTED_WORKER, size: 1, queueLimit: 0 });
  });
});
