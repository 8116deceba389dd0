import pg from 'pg';
import { withAfterCommitHooks, type Database, type Queryable, type QueryResult } from './db.js';

// Return int8 and numeric as JS numbers where the store expects them; timestamps stay Date.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      const r = await client.query(sql, params as unknown[]);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
  };
}

/** A node-postgres pool behind the Database interface. */
export function openPostgres(connectionString: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const root = wrap(pool);
  return {
    kind: 'external',
    query: root.query,
    transaction: (work) => withAfterCommitHooks(async (inner) => {
      const client = await pool.connect();
      let result;
      try {
        await client.query('BEGIN');
        result = await inner(wrap(client));
        await client.query('COMMIT');
      } catch (err) {
        // A connection that cannot even roll back is broken: destroy it rather than pool it.
        const rollbackFailed = await client.query('ROLLBACK').then(() => false, () => true);
        client.release(rollbackFailed);
        throw err;
      }
      client.release();
      return result;
    }, work),
    async withConnection(work) {
      const client = await pool.connect();
      let result;
      try {
        result = await work(wrap(client));
      } catch (err) {
        // Session state (an open transaction, an advisory lock) may be left behind: never pool it.
        client.release(true);
        throw err;
      }
      client.release();
      return result;
    },
    async close() {
      await pool.end();
    },
  };
}
