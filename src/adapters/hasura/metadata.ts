import type { Logger } from 'pino';
import { AUTH_SCHEMA, AUTH_TABLES, customRootFields, HASURA_SOURCE, type TrackedTable } from './metadata-tables.js';

/**
 * Applies the `auth` schema's Hasura metadata at start-up, as the newer reference does
 * (SCHEMA-NEWER.md §2.4):
 * 1. `export_metadata` to learn what source `default` already tracks (a failure is a warning:
 *    carry on as if nothing were tracked);
 * 2. `pg_track_table` per table, in order; a table that is `already-tracked` gets its names again
 *    with `pg_set_table_customization`, keeping keys of its configuration we do not know;
 * 3. every relationship the export did not list, `already-exists` being fine.
 * Re-running is harmless. Any other refusal stops start-up (CONFIG.md §1.3 step 4).
 */

/** A refused or failed metadata call; `code` is Hasura's error code when it sent one. */
export class HasuraMetadataError extends Error {
  override name = 'HasuraMetadataError';
  constructor(
    message: string,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ApplyMetadataOptions {
  /** The metadata endpoint (HASURA_GRAPHQL_GRAPHQL_URL with `/v1/metadata`). */
  readonly url: string;
  readonly adminSecret: string;
  /** Per call; the newer reference waits up to 180 s. */
  readonly timeoutMs?: number;
  readonly log: Pick<Logger, 'warn' | 'info'>;
  readonly tables?: readonly TrackedTable[];
  readonly fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 180_000;
const table = (name: string) => ({ schema: AUTH_SCHEMA, name });

/** What the export says about one tracked table. */
interface ExistingTable {
  readonly configuration: unknown;
  readonly relationshipNames: ReadonlySet<string>;
}

export async function applyHasuraMetadata(options: ApplyMetadataOptions): Promise<void> {
  const tables = options.tables ?? AUTH_TABLES;
  const post = (body: unknown) => postMetadata(options, body);

  let existing = new Map<string, ExistingTable>();
  try {
    existing = readExport(await post({ type: 'export_metadata', version: 2, args: {} }));
  } catch (err) {
    options.log.warn({ err }, 'could not read the Hasura metadata: tracking the auth tables as if none were tracked');
  }

  for (const t of tables) {
    try {
      await post(trackTableRequest(t));
    } catch (err) {
      if (!(err instanceof HasuraMetadataError && err.code === 'already-tracked')) throw failure(`tracking table auth.${t.name}`, err);
      try {
        await post(customizationRequest(t, existing.get(t.name)?.configuration));
      } catch (err2) {
        throw failure(`updating the names of table auth.${t.name}`, err2);
      }
    }
  }

  for (const t of tables) {
    const known = existing.get(t.name)?.relationshipNames ?? new Set<string>();
    for (const request of relationshipRequests(t)) {
      if (known.has(request.args.name)) continue; // never dropped nor redefined
      try {
        await post(request);
      } catch (err) {
        if (err instanceof HasuraMetadataError && err.code === 'already-exists') continue;
        throw failure(`creating relationship ${request.args.name} of table auth.${t.name}`, err);
      }
    }
  }
  options.log.info({ tables: tables.length }, 'Hasura metadata applied');
}

function failure(what: string, cause: unknown): HasuraMetadataError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new HasuraMetadataError(`applying Hasura metadata: ${what}: ${reason}`, undefined, { cause });
}

/** The table's configuration: its GraphQL name, root fields and column names. */
function configurationOf(t: TrackedTable): Record<string, unknown> {
  return { custom_name: t.plural, custom_root_fields: customRootFields(t), custom_column_names: { ...t.columns } };
}

/**
 * `pg_track_table` exactly as the reference sends it: the relationships ride along in `args` and
 * `is_enum` sits beside `type` (Hasura reads neither there; step 3 creates the relationships).
 */
export function trackTableRequest(t: TrackedTable): Record<string, unknown> {
  const args: Record<string, unknown> = { source: HASURA_SOURCE, table: table(t.name), configuration: configurationOf(t) };
  const objects = Object.entries(t.objectRelationships ?? {});
  const arrays = Object.entries(t.arrayRelationships ?? {});
  if (objects.length > 0) args['object_relationships'] = objects.map(([name, column]) => ({ name, using: { foreign_key_constraint_on: column } }));
  if (arrays.length > 0) {
    args['array_relationships'] = arrays.map(([name, remote]) => ({
      name,
      using: { foreign_key_constraint_on: { table: table(remote.table), columns: [remote.column] } },
    }));
  }
  return { type: 'pg_track_table', args, ...(t.isEnum ? { is_enum: true } : {}) };
}

/**
 * `pg_set_table_customization` for a table already tracked: our names, plus the keys of its
 * current configuration and root fields that we do not set (someone else's choice, kept).
 */
export function customizationRequest(t: TrackedTable, current: unknown): Record<string, unknown> {
  const ours = configurationOf(t);
  const configuration = isObject(current)
    ? {
        ...current,
        ...ours,
        custom_root_fields: { ...(isObject(current['custom_root_fields']) ? current['custom_root_fields'] : {}), ...customRootFields(t) },
      }
    : ours;
  return { type: 'pg_set_table_customization', args: { source: HASURA_SOURCE, table: table(t.name), configuration } };
}

interface RelationshipRequest {
  type: 'pg_create_object_relationship' | 'pg_create_array_relationship';
  args: { table: { schema: string; name: string }; name: string; source: string; using: unknown };
}

export function relationshipRequests(t: TrackedTable): RelationshipRequest[] {
  const objects = Object.entries(t.objectRelationships ?? {}).map(([name, column]): RelationshipRequest => ({
    type: 'pg_create_object_relationship',
    args: { table: table(t.name), name, source: HASURA_SOURCE, using: { foreign_key_constraint_on: [column] } },
  }));
  const arrays = Object.entries(t.arrayRelationships ?? {}).map(([name, remote]): RelationshipRequest => ({
    type: 'pg_create_array_relationship',
    args: { table: table(t.name), name, source: HASURA_SOURCE, using: { foreign_key_constraint_on: { table: table(remote.table), columns: [remote.column] } } },
  }));
  return [...objects, ...arrays];
}

/** The `auth` tables of source `default` in an `export_metadata` answer. */
export function readExport(answer: unknown): Map<string, ExistingTable> {
  const result = new Map<string, ExistingTable>();
  const sources = isObject(answer) && isObject(answer['metadata']) ? answer['metadata']['sources'] : undefined;
  if (!Array.isArray(sources)) throw new HasuraMetadataError('export_metadata answered without metadata.sources');
  for (const source of sources) {
    if (!isObject(source) || source['name'] !== HASURA_SOURCE || !Array.isArray(source['tables'])) continue;
    for (const entry of source['tables']) {
      if (!isObject(entry) || !isObject(entry['table']) || entry['table']['schema'] !== AUTH_SCHEMA) continue;
      const names = [entry['object_relationships'], entry['array_relationships']]
        .flatMap((list) => (Array.isArray(list) ? list : []))
        .flatMap((rel) => (isObject(rel) && typeof rel['name'] === 'string' ? [rel['name']] : []));
      result.set(String(entry['table']['name']), { configuration: entry['configuration'], relationshipNames: new Set(names) });
    }
  }
  return result;
}

async function postMetadata(options: ApplyMetadataOptions, body: unknown): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let response: Response;
  let text: string;
  try {
    response = await (options.fetch ?? fetch)(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=UTF-8', 'x-hasura-admin-secret': options.adminSecret },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (cause) {
    const reason = cause instanceof Error && cause.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `cannot reach ${describeUrl(options.url)}`;
    throw new HasuraMetadataError(reason, undefined, { cause });
  }
  const parsed = parseJson(text);
  if (response.status !== 200) {
    const code = isObject(parsed) && typeof parsed['code'] === 'string' ? parsed['code'] : undefined;
    throw new HasuraMetadataError(`status ${response.status}: ${text.slice(0, 500)}`, code);
  }
  return parsed;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Origin and path only: a URL may carry credentials. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.origin + u.pathname;
  } catch {
    return 'the metadata URL';
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
