import { randomUUID } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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
    const db = await openEmbedded(undefined, { image: await embeddedTemplate() });
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

let embeddedImage: Promise<Blob | undefined> | undefined;

/**
 * The migrated embedded template of this run, read once per test worker. Starting PGlite from it
 * skips initdb and the migrations: most of the cost of a fresh embedded database.
 */
function embeddedTemplate(): Promise<Blob | undefined> {
  const file = process.env['LATCHKEY_TEST_PGLITE_TEMPLATE'];
  if (!file) return Promise.resolve(undefined);
  embeddedImage ??= readFile(file).then((bytes) => new Blob([bytes]));
  return embeddedImage;
}

/** Global setup (embedded mode): migrates one PGlite database and saves its data as the template. */
async function prepareEmbeddedTemplate(): Promise<() => Promise<void>> {
  const { migrate } = await import('../../src/store/migrate.js');
  const db = await openEmbedded(undefined);
  const file = path.join(os.tmpdir(), `latchkey-test-pglite-${process.pid}.tar`);
  try {
    await migrate(db);
    await writeFile(file, Buffer.from(await (await db.dump()).arrayBuffer()));
  } finally {
    await db.close();
  }
  process.env['LATCHKEY_TEST_PGLITE_TEMPLATE'] = file;
  return () => rm(file, { force: true });
}

/** Global setup: (re)creates the migrated template once per run. */
export async function prepareTemplateDatabase(): Promise<() => Promise<void>> {
  if (testDatabaseMode() !== 'postgres') return prepareEmbeddedTemplate();
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
