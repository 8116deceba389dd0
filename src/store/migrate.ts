import { access, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import type { Database, Queryable } from './db.js';
import { findMissingObjects } from './migration-probes.js';
import { splitSqlStatements } from './sql-script.js';

/**
 * The newest Nhost Auth migration we know (SCHEMA-NEWER.md). A database recorded at a higher
 * version was touched by a newer Nhost Auth and is refused, never modified.
 */
export const LATEST_AUTH_MIGRATION = 27;

/** Structured progress messages; `app.ts` passes the logger. */
export type MigrationLog = (msg: string, fields?: Record<string, unknown>) => void;

/** The versions a track was at before and after a `migrate()` call. */
export interface TrackVersions {
  from: number;
  to: number;
}

/** Why the database cannot be migrated (dirty, newer than us, inconsistent, failed file). */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** A numbered `migrations/<track>/NNNNN_name.up.sql` file. */
export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
}

/** `auth`: Nhost's own numbering. `latchkey`: our objects, bookkept apart from Nhost's. */
export type MigrationTrack = 'auth' | 'latchkey';

const FILE_PATTERN = /^(\d+)_(.+)\.up\.sql$/;

/**
 * Brings both tracks up to date, following SCHEMA.md §8.3–8.5 (the golang-migrate protocol the
 * reference uses), so Latchkey and Nhost Auth instances can start side by side on one database:
 * same advisory lock, same `(version, dirty)` row, same refusals. The auth track runs first
 * because Latchkey's tables refer to auth tables.
 */
export async function migrate(
  db: Database,
  options: { log?: MigrationLog } = {},
): Promise<{ auth: TrackVersions; latchkey: TrackVersions }> {
  const log = options.log ?? (() => {});
  const authFiles = await loadMigrationFiles('auth');
  const latchkeyFiles = await loadMigrationFiles('latchkey');
  const latest = authFiles.at(-1)?.version;
  if (latest !== LATEST_AUTH_MIGRATION) {
    throw new MigrationError(`migrations/auth ends at ${latest}, expected ${LATEST_AUTH_MIGRATION}`);
  }
  return serialised(db, () =>
    db.withConnection(async (conn) => {
      const auth = await migrateTrack(conn, 'auth', authFiles, log);
      const latchkey = await migrateTrack(conn, 'latchkey', latchkeyFiles, log);
      return { auth, latchkey };
    }),
  );
}

/** Reads a track's files in version order; the numbering must run 1, 2, 3… without gaps. */
export async function loadMigrationFiles(track: MigrationTrack): Promise<MigrationFile[]> {
  const dir = path.join(await findPackageRoot(), 'migrations', track);
  const files: MigrationFile[] = [];
  for (const entry of (await readdir(dir)).sort()) {
    const match = FILE_PATTERN.exec(entry);
    if (!match) continue;
    const sql = await readFile(path.join(dir, entry), 'utf8');
    files.push({ version: Number(match[1]), name: match[2] ?? entry, sql });
  }
  files.sort((a, b) => a.version - b.version);
  files.forEach((file, index) => {
    if (file.version !== index + 1) {
      throw new MigrationError(`migrations/${track}: expected version ${index + 1}, found ${file.version}`);
    }
  });
  return files;
}

/**
 * golang-migrate's PostgreSQL lock id (SCHEMA.md §8.3): CRC-32 of the NUL-joined schema, table
 * and database names, times its salt, modulo 2^32. Returned as a decimal string for bigint.
 */
export function advisoryLockKey(schema: string, table: string, database: string): string {
  const sum = crc32(`${schema}\u0000${table}\u0000${database}`);
  return String(Math.imul(sum, 1486364155) >>> 0);
}

async function migrateTrack(
  conn: Queryable,
  track: MigrationTrack,
  files: readonly MigrationFile[],
  log: MigrationLog,
): Promise<TrackVersions> {
  const { rows } = await conn.query<{ name: string }>('SELECT current_database() AS name');
  const key = advisoryLockKey(track, 'schema_migrations', rows[0]?.name ?? '');
  await conn.query('SELECT pg_advisory_lock($1)', [key]);
  try {
    return await migrateTrackLocked(conn, track, files, log);
  } finally {
    // A broken connection has already dropped its session lock.
    await conn.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => {});
  }
}

async function migrateTrackLocked(
  conn: Queryable,
  track: MigrationTrack,
  files: readonly MigrationFile[],
  log: MigrationLog,
): Promise<TrackVersions> {
  const table = `${track}.schema_migrations`;
  // The reference never creates schema auth; creating it when missing is the harmless extension
  // SCHEMA.md §1 allows. Checked first so an existing schema owned by another role is fine.
  if (!(await hasSchema(conn, track))) await conn.query(`CREATE SCHEMA IF NOT EXISTS ${track}`);

  // §8.4 step 1, done under the lock so two instances cannot both force the legacy version.
  const hasBookkeeping = await hasTable(conn, track, 'schema_migrations');
  const legacy = track === 'auth' && !hasBookkeeping ? await readLegacyVersion(conn) : undefined;
  if (!hasBookkeeping) {
    await conn.query(
      `CREATE TABLE IF NOT EXISTS ${table} (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)`,
    );
  }
  if (legacy !== undefined && legacy > 0) {
    await inTransaction(conn, () => writeVersion(conn, table, legacy, false));
    log('forced the auth migration version from the legacy auth.migrations table', { version: legacy });
  }

  const current = await readVersion(conn, table);
  if (current?.dirty) {
    throw new MigrationError(
      `${table} is dirty at version ${current.version}: a migration failed part-way. ` +
        `Repair the database, then set the version to the last complete migration with dirty = false.`,
    );
  }
  const from = current?.version ?? 0;
  const latest = files.at(-1)?.version ?? 0;
  if (from > latest) {
    throw new MigrationError(
      `${table} is at version ${from}, newer than the newest migration this Latchkey knows (${latest}); ` +
        `refusing to touch the database. Upgrade Latchkey.`,
    );
  }
  if (track === 'auth' && from > 0) await assertSchemaMatches(conn, from);

  for (const file of files) {
    if (file.version <= from) continue;
    await applyMigration(conn, track, table, file, log);
  }
  log('database schema is up to date', { track, from, to: latest });
  return { from, to: latest };
}

// §8.4 step 7: record (v, dirty) first, so a crash part-way is visible to every instance;
// then run the file and record (v, clean) in one transaction.
async function applyMigration(
  conn: Queryable,
  track: MigrationTrack,
  table: string,
  file: MigrationFile,
  log: MigrationLog,
): Promise<void> {
  const started = Date.now();
  await inTransaction(conn, () => writeVersion(conn, table, file.version, true));
  try {
    await inTransaction(conn, async () => {
      for (const statement of splitSqlStatements(file.sql)) await conn.query(statement);
      await writeVersion(conn, table, file.version, false);
    });
  } catch (err) {
    throw new MigrationError(
      `${track} migration ${file.version} (${file.name}) failed; ${table} is left at ` +
        `(${file.version}, dirty) and the migration's changes were rolled back`,
      { cause: err },
    );
  }
  log('applied migration', { track, version: file.version, name: file.name, durationMs: Date.now() - started });
}

async function assertSchemaMatches(conn: Queryable, version: number): Promise<void> {
  const missing = await findMissingObjects(conn, version);
  if (missing.length === 0) return;
  throw new MigrationError(
    `auth.schema_migrations says version ${version} but the database lacks ${missing.join(', ')}. ` +
      `It may have been migrated by a preview build of Nhost Auth; refusing to migrate.`,
  );
}

async function readVersion(conn: Queryable, table: string): Promise<{ version: number; dirty: boolean } | undefined> {
  const { rows } = await conn.query<{ version: unknown; dirty: boolean }>(
    `SELECT version, dirty FROM ${table} LIMIT 1`,
  );
  const row = rows[0];
  return row ? { version: Number(row.version), dirty: row.dirty } : undefined;
}

// golang-migrate keeps exactly one row: the last version started and whether it finished.
async function writeVersion(conn: Queryable, table: string, version: number, dirty: boolean): Promise<void> {
  await conn.query(`TRUNCATE ${table}`);
  await conn.query(`INSERT INTO ${table} (version, dirty) VALUES ($1, $2)`, [version, dirty]);
}

/** MAX(id) of the Node.js generation's `auth.migrations` (§8.5); undefined when absent or empty. */
async function readLegacyVersion(conn: Queryable): Promise<number | undefined> {
  if (!(await hasTable(conn, 'auth', 'migrations'))) return undefined;
  const { rows } = await conn.query<{ version: unknown }>('SELECT MAX(id) AS version FROM auth.migrations');
  const version = rows[0]?.version;
  return version === null || version === undefined ? undefined : Number(version);
}

async function hasSchema(conn: Queryable, schema: string): Promise<boolean> {
  const { rows } = await conn.query<{ ok: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1) AS ok',
    [schema],
  );
  return rows[0]?.ok === true;
}

async function hasTable(conn: Queryable, schema: string, table: string): Promise<boolean> {
  const { rows } = await conn.query<{ ok: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2) AS ok',
    [schema, table],
  );
  return rows[0]?.ok === true;
}

async function inTransaction<T>(conn: Queryable, work: () => Promise<T>): Promise<T> {
  await conn.query('BEGIN');
  try {
    const result = await work();
    await conn.query('COMMIT');
    return result;
  } catch (err) {
    await conn.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

// PGlite is one session, where advisory locks are re-entrant; serialise calls in-process too.
const running = new WeakMap<Database, Promise<unknown>>();

function serialised<T>(db: Database, work: () => Promise<T>): Promise<T> {
  const result = (running.get(db) ?? Promise.resolve()).catch(() => {}).then(work);
  running.set(db, result.catch(() => {}));
  return result;
}

let packageRoot: Promise<string> | undefined;

/** The directory holding package.json, found from this file (works from src/ and dist/src/). */
function findPackageRoot(): Promise<string> {
  packageRoot ??= (async () => {
    let dir = path.dirname(fileURLToPath(import.meta.url));
    for (;;) {
      try {
        await access(path.join(dir, 'package.json'));
        return dir;
      } catch {
        const parent = path.dirname(dir);
        if (parent === dir) throw new MigrationError('no package.json above the migration runner');
        dir = parent;
      }
    }
  })();
  return packageRoot;
}
