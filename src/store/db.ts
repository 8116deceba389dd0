/**
 * The one database interface every store function takes. Both the external PostgreSQL
 * (node-postgres pool) and the embedded PGlite implement it, so flows never know which runs.
 */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

/** Anything that runs a parameterised SQL statement: the pool itself or an open transaction. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
}

/** An open transaction: its queries, plus work to do once it has committed. */
export interface Transaction extends Queryable {
  /**
   * Runs `hook` after COMMIT and before `transaction()` resolves; never after a rollback. For work
   * that must see the committed rows through another connection (Hasura reading a new user).
   */
  afterCommit(hook: () => Promise<void>): void;
}

export function isTransaction(db: Queryable): db is Transaction {
  return typeof (db as Partial<Transaction>).afterCommit === 'function';
}

/** Runs `work` with a transaction built by `open`, then the after-commit hooks it registered. */
export async function withAfterCommitHooks<T>(
  open: (work: (tx: Queryable) => Promise<T>) => Promise<T>,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  const hooks: Array<() => Promise<void>> = [];
  const result = await open((tx) => work({ query: tx.query.bind(tx), afterCommit: (hook) => hooks.push(hook) }));
  for (const hook of hooks) await hook();
  return result;
}

/** A connection source that can also open transactions. */
export interface Database extends Queryable {
  /** Runs `work` inside BEGIN/COMMIT; any throw rolls back and is rethrown. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Holds one dedicated connection for `work` (session-level advisory locks need this). */
  withConnection<T>(work: (conn: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** `external` for a PostgreSQL server, `embedded` for PGlite. */
  readonly kind: 'external' | 'embedded';
}

/** PostgreSQL error codes the store translates. */
export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; constraint?: unknown };
  if (e.code !== PG_UNIQUE_VIOLATION) return false;
  return constraint === undefined || e.constraint === constraint;
}
