import pg from 'pg';
import type { Database, Queryable, QueryResult } from './db.js';

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
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async withConnection(work) {
      const client = await pool.connect();
      try {
        return await work(wrap(client));
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
