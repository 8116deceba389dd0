import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { withAfterCommitHooks, type Database, type Queryable, type QueryResult } from './db.js';

/** PGlite behind the Database interface, able to dump its data for `openEmbedded(…, { image })`. */
export interface EmbeddedDatabase extends Database {
  dump(): Promise<Blob | File>;
}

function wrap(db: Pick<PGlite, 'query'>): Queryable {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      const r = await db.query<T>(sql, params as unknown[]);
      // PGlite reports affectedRows = 0 for SELECT; node-postgres counts the rows returned.
      return { rows: r.rows, rowCount: Math.max(r.affectedRows ?? 0, r.rows.length) };
    },
  };
}

/**
 * The embedded PostgreSQL (PGlite, WASM). `dataDir` persists it; `undefined` keeps it in memory.
 * PGlite is single-connection, so transactions are serialised by PGlite itself.
 * `options.image` starts from a copy of another instance's data (`dumpEmbedded`) instead of an
 * empty cluster, which skips initdb (tests clone one migrated database this way).
 */
export async function openEmbedded(dataDir: string | undefined, options: { image?: Blob } = {}): Promise<EmbeddedDatabase> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const extensions = { citext, pgcrypto };
  const db = options.image ? await PGlite.create(dataDir, { extensions, loadDataDir: options.image }) : await PGlite.create(dataDir, { extensions });
  const root = wrap(db);
  return {
    dump: () => db.dumpDataDir('none'),
    kind: 'embedded',
    query: root.query,
    transaction: (work) => withAfterCommitHooks((inner) => db.transaction((tx) => inner(wrap(tx))), work),
    withConnection: (work) => work(root),
    async close() {
      await db.close();
    },
  };
}
