import { Worker } from 'node:worker_threads';
import {
  PasswordHasherClosedError,
  PasswordQueueFullError,
  PasswordWorkerCrashedError,
  PasswordWorkerJobError,
} from './password-hasher.js';
import type { PasswordHasherStats } from './password-hasher.js';

/**
 * A fixed set of worker threads, one job per worker at a time, with a bounded FIFO queue.
 * It knows nothing about bcrypt: the worker source decides what a job means. Kept apart from
 * `bcrypt-pool.ts` so the failure handling can be tested with a worker that misbehaves on cue.
 */
export interface WorkerPool {
  /** Resolves with the worker's `value`; rejects with one of the `Password*Error` classes. */
  run(job: unknown): Promise<unknown>;
  close(): Promise<void>;
  stats(): PasswordHasherStats;
}

export interface WorkerPoolOptions {
  /**
   * Plain CommonJS source run with `new Worker(source, { eval: true })`. Evaluated source needs no
   * compiled file beside this module, so the pool works the same from `src/*.ts` (vitest, tsx)
   * and from `dist/*.js`. It must answer every message with exactly one `WorkerReply`.
   */
  source: string;
  workerData?: unknown;
  /** How long `close` waits for a busy worker to finish its job and stop before terminating it. */
  stopTimeoutMs?: number;
  /** Number of worker threads, at least 1. */
  size: number;
  /** Jobs allowed to wait for a worker; the next one is refused with `PasswordQueueFullError`. */
  queueLimit: number;
}

/**
 * Sent by `close`. The handler that the pool puts before the worker's own source stops the thread
 * from JavaScript, between jobs. `Worker.terminate()` instead lands wherever the thread happens to
 * be: in the middle of loading a native addon (bcrypt) it aborts the whole process with
 * "terminate called after throwing an instance of 'Napi::Error'", which is what crashed a CI run.
 */
const STOP_MESSAGE = 'latchkey-worker-pool:stop';
const STOP_HANDLER = `require('node:worker_threads').parentPort.on('message', (message) => {
  if (message === ${JSON.stringify(STOP_MESSAGE)}) process.exit(0);
});
`;
const DEFAULT_STOP_TIMEOUT_MS = 30_000;

/** What a worker posts back for each job. */
export type WorkerReply = { ok: true; value: unknown } | { ok: false; message: string };

interface Task {
  job: unknown;
  resolve: (value: unknown) => void;
  reject: (reason: Error) => void;
}

interface Slot {
  worker: Worker | null;
  task: Task | null;
  /** The worker's uncaught error, reported by 'error' just before 'exit'. */
  crashCause: unknown;
}

export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const { source, workerData, size, queueLimit, stopTimeoutMs = DEFAULT_STOP_TIMEOUT_MS } = options;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`worker pool size must be a positive integer, got ${size}`);
  if (!Number.isInteger(queueLimit) || queueLimit < 0) {
    throw new RangeError(`worker pool queue limit must be a non-negative integer, got ${queueLimit}`);
  }

  const slots: Slot[] = Array.from({ length: size }, () => ({ worker: null, task: null, crashCause: undefined }));
  const queue: Task[] = [];
  let closing: Promise<void> | null = null;

  function spawn(slot: Slot): Worker {
    // The source is plain CommonJS: the parent's loader flags (tsx, --input-type=module) would only
    // slow its start or break it.
    const worker = new Worker(STOP_HANDLER + source, { eval: true, workerData, execArgv: [] });
    // An idle pool must not keep the process alive; a busy worker is ref'd in `start`.
    worker.unref();
    worker.on('message', (reply: unknown) => settle(slot, worker, reply));
    worker.on('messageerror', (err) => settle(slot, worker, { ok: false, message: err.message }));
    worker.on('error', (err) => {
      if (slot.worker === worker) slot.crashCause = err;
    });
    worker.on('exit', (code) => onExit(slot, worker, code));
    slot.worker = worker;
    return worker;
  }

  function start(slot: Slot, task: Task): void {
    slot.task = task;
    const worker = slot.worker ?? spawn(slot);
    worker.ref();
    try {
      worker.postMessage(task.job);
    } catch (err) {
      // The job could not be cloned; the worker never saw it.
      slot.task = null;
      worker.unref();
      task.reject(err instanceof Error ? err : new Error(String(err)));
      startNext(slot);
    }
  }

  function startNext(slot: Slot): void {
    const next = queue.shift();
    if (next) start(slot, next);
  }

  function settle(slot: Slot, worker: Worker, reply: unknown): void {
    const task = slot.task;
    if (slot.worker !== worker || !task) return;
    slot.task = null;
    worker.unref();
    startNext(slot);
    if (!isWorkerReply(reply)) task.reject(new PasswordWorkerJobError('malformed reply from worker'));
    else if (reply.ok) task.resolve(reply.value);
    else task.reject(new PasswordWorkerJobError(reply.message));
  }

  function onExit(slot: Slot, worker: Worker, code: number): void {
    if (slot.worker !== worker) return;
    const task = slot.task;
    const cause = slot.crashCause ?? new Error(`worker exited with code ${code}`);
    slot.worker = null;
    slot.task = null;
    slot.crashCause = undefined;
    if (closing) {
      task?.reject(new PasswordHasherClosedError());
      return;
    }
    // Never leave a caller hanging: the job that was running is lost, so say so.
    task?.reject(new PasswordWorkerCrashedError({ cause }));
    if (queue.length > 0) startNext(slot);
    // Replace a worker that died mid-job right away. One that died idle (for instance because it
    // cannot start at all) is replaced when work arrives, so a broken worker cannot spin in a loop.
    else if (task) spawn(slot);
  }

  /**
   * Asks a worker to stop once its current job (or its start-up) is over, and resolves when it has.
   * Only a worker stuck past `stopTimeoutMs` is terminated from outside.
   */
  function stop(worker: Worker): Promise<void> {
    return new Promise((resolve) => {
      // A worker that has already exited answers `terminate` at once: the timer also ends the wait
      // for an 'exit' that was emitted before this listener existed.
      const timer = setTimeout(() => void worker.terminate().finally(resolve), stopTimeoutMs);
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      worker.postMessage(STOP_MESSAGE);
    });
  }

  for (const slot of slots) spawn(slot);

  return {
    run(job) {
      if (closing) return Promise.reject(new PasswordHasherClosedError());
      return new Promise<unknown>((resolve, reject) => {
        const task: Task = { job, resolve, reject };
        const idle = slots.find((slot) => slot.task === null);
        if (idle) start(idle, task);
        // Shed load at once: a queue past this point only turns into timeouts upstream.
        else if (queue.length >= queueLimit) reject(new PasswordQueueFullError(queueLimit));
        else queue.push(task);
      });
    },

    close() {
      closing ??= (async () => {
        for (const task of queue.splice(0)) task.reject(new PasswordHasherClosedError());
        for (const slot of slots) {
          const task = slot.task;
          slot.task = null;
          task?.reject(new PasswordHasherClosedError());
        }
        await Promise.all(slots.map((slot) => (slot.worker ? stop(slot.worker) : undefined)));
      })();
      return closing;
    },

    stats() {
      return {
        workers: slots.filter((slot) => slot.worker !== null).length,
        busy: slots.filter((slot) => slot.task !== null).length,
        queued: queue.length,
      };
    },
  };
}

function isWorkerReply(value: unknown): value is WorkerReply {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  if (value.ok === true) return 'value' in value;
  return value.ok === false && 'message' in value && typeof value.message === 'string';
}
