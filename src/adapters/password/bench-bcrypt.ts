import { Buffer } from 'node:buffer';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import bcrypt from 'bcrypt';

export interface BcryptCeiling {
  /** Mean wall time of one synchronous hash on this thread. */
  oneHashMs: number;
  /** Cores Node may use (`os.availableParallelism()`). */
  cores: number;
  /** The most hashes per second this machine can do with every core busy: cores ÷ one hash. */
  ceilingPerSecond: number;
}

/**
 * Times `iterations` synchronous bcrypt hashes at `cost` on the calling thread, after one warm-up,
 * and derives the throughput ceiling that password endpoints cannot beat. The benchmark compares
 * measured sign-in/sign-up throughput against it. Blocks the thread for the whole measurement.
 */
export async function measureBcryptCeiling(cost: number, iterations = 20): Promise<BcryptCeiling> {
  const key = Buffer.from('bench-password-0123456789', 'utf8');
  const salt = bcrypt.genSaltSync(cost, 'a');
  bcrypt.hashSync(key, salt);
  const startedAt = performance.now();
  for (let i = 0; i < iterations; i++) bcrypt.hashSync(key, salt);
  const oneHashMs = (performance.now() - startedAt) / iterations;
  const cores = availableParallelism();
  return { oneHashMs, cores, ceilingPerSecond: (cores * 1000) / oneHashMs };
}
