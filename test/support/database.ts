import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../src/store/db.js';
import { openEmbedded } from '../../src/store/embedded.js';
import { openPostgres } from '../../src/store/postgres.js';

/**
 * HTTP tests run against a real PostgreSQL when TEST_DATABASE_URL is set (an admin connection,
 * e.g. postgres://postgres@127.0.0.1:5432/postgres), otherwise against the embedded PGlite.
 * With PostgreSQL every test file gets its own database cloned from a migrated template.
 */
/** One template per test run (set by the global setup), so concurrent runs never share it. */
function templateDatabase(): string {
  return process.env['LATCHKEY_TEST_TEMPLATE'] ?? 'latchkey_test_template';
}

export function testDatabaseMode(): 'postgres' | 'embedded' {
  return process.env['TEST_DATABASE_URL'] ? 'postgres' : 'embedded';
}

function adminUrl(): string {
  return process.env['TEST_DATABASE_URL']!;
}

function urlForDatabase(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export interface TestDatabase {
  db: Database;
  /** The connection string (postgres mode) for a second app instance on the same data. */
  url: string | null;
  drop(): Promise<void>;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testDatabaseMode() === 'embedded') {
    const db = await openEmbedded(undefined);
    return { db, url: null, drop: () => db.close() };
  }
  const name = `latchkey_test_${randomUUID().replaceAll('-', '')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${templateDatabase()}`));
  const url = urlForDatabase(name);
  const db = openPostgres(url, { max: 5 });
  return {
    db,
    url,
    async drop() {
      await db.close();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** Global setup (postgres mode): (re)creates the migrated template once per run. */
export async function prepareTemplateDatabase(): Promise<() => Promise<void>> {
  if (testDatabaseMode() !== 'postgres') return async () => {};
  const { migrate } = await import('../../src/store/migrate.js');
  const name = `latchkey_test_template_${process.pid}`;
  process.env['LATCHKEY_TEST_TEMPLATE'] = name;
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
  const db = openPostgres(urlForDatabase(name), { max: 2 });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  return () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));
}
