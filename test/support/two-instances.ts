/**
 * Two Latchkey instances behind one load balancer: one fresh PostgreSQL database, each instance
 * with its own connection pool, sharing nothing in memory. PostgreSQL only (the embedded database
 * belongs to a single process): callers guard with `describe.runIf(process.env['TEST_DATABASE_URL'])`.
 */
import type { ManualClock } from '../../src/adapters/clock/clock.js';
import { openPostgres } from '../../src/store/postgres.js';
import { startTestApp, type TestApp } from './app.js';
import { createTestDatabase } from './database.js';

export interface TwoInstances {
  readonly a: TestApp;
  readonly b: TestApp;
  /** Closes both instances, the second pool, then drops the database. */
  close(): Promise<void>;
}

export async function startTwoInstances(options: { clock: ManualClock; env: Record<string, string> }): Promise<TwoInstances> {
  const { clock, env } = options;
  const database = await createTestDatabase();
  const secondPool = openPostgres(database.url!, { max: 5 });
  let a: TestApp | undefined;
  let b: TestApp | undefined;
  const close = async (): Promise<void> => {
    await b?.close();
    await a?.close();
    await secondPool.close();
    await database.drop();
  };
  try {
    a = await startTestApp({ database, clock, env });
    b = await startTestApp({ database: { db: secondPool, url: database.url, drop: async () => undefined }, clock, env });
  } catch (err) {
    await close();
    throw err;
  }
  return { a, b, close };
}
