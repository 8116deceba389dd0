/**
 * Hashes and verifies user passwords (`auth.users.password_hash`, SCHEMA.md §10.1).
 *
 * Implementations must keep the stored format compatible with the reference: bcrypt
 * modular-crypt strings, written as `$2a$`, and `$2a$`/`$2b$`/`$2y$` of any cost accepted.
 */
export interface PasswordHasher {
  /**
   * Returns a bcrypt hash of `password` at the configured cost.
   * Rejects with `PasswordTooLongError` above 72 UTF-8 bytes (as the reference does),
   * `PasswordQueueFullError` when overloaded, `PasswordHasherClosedError` after `close()`.
   */
  hash(password: string): Promise<string>;

  /**
   * Whether `password` matches the stored `hash`.
   * A missing, empty or malformed hash never matches, but still costs one full bcrypt
   * comparison (see `verify` in the implementations for why).
   */
  verify(password: string, hash: string | null | undefined): Promise<boolean>;

  /** Stops accepting work, rejects queued and running jobs, and releases the workers. */
  close(): Promise<void>;

  /** A snapshot for metrics and health checks. */
  stats(): PasswordHasherStats;
}

export interface PasswordHasherStats {
  /** Workers currently alive (a crashed worker is replaced when work arrives). */
  workers: number;
  /** Workers running a job right now. */
  busy: number;
  /** Jobs waiting for a free worker. */
  queued: number;
}

/**
 * The hasher is saturated and refused the job at once rather than let latency grow.
 * The HTTP layer answers `429` so the client can retry later.
 */
export class PasswordQueueFullError extends Error {
  constructor(queueLimit: number) {
    super(`password hashing queue is full (${queueLimit} jobs waiting)`);
    this.name = 'PasswordQueueFullError';
  }
}

/**
 * The password is longer than bcrypt's 72-byte input. The reference (Go bcrypt) refuses to
 * hash it and answers `500 internal-server-error`; the flow decides what to answer.
 */
export class PasswordTooLongError extends Error {
  constructor(byteLength: number) {
    super(`password is ${byteLength} bytes; bcrypt accepts at most 72`);
    this.name = 'PasswordTooLongError';
  }
}

/** A job was submitted after, or was still pending at, `close()`. */
export class PasswordHasherClosedError extends Error {
  constructor() {
    super('password hasher is closed');
    this.name = 'PasswordHasherClosedError';
  }
}

/** The worker running the job died; the job's outcome is unknown. */
export class PasswordWorkerCrashedError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('password hashing worker crashed', options);
    this.name = 'PasswordWorkerCrashedError';
  }
}

/** The worker reported a failure for this job (for example bcrypt rejected its input). */
export class PasswordWorkerJobError extends Error {
  constructor(message: string) {
    super(`password hashing failed: ${message}`);
    this.name = 'PasswordWorkerJobError';
  }
}
