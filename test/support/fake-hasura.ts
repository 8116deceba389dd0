/**
 * A small stand-in for Hasura on 127.0.0.1: `/v1/graphql` answers the custom-claims query from a
 * table of users the test fills in, and `/v1/metadata` keeps the tracked tables and relationships
 * the way Hasura does (`already-tracked`, `already-exists`, `export_metadata`). Every request is
 * recorded with its headers and parsed body. A wrong admin secret is refused as Hasura does.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

/** An answer the test forces instead of the normal behaviour; `null` drops the connection. */
export type ForcedAnswer = { status: number; body: string; headers?: Record<string, string> } | null;

interface TrackedTableState {
  configuration: Record<string, unknown>;
  isEnum: boolean;
  object_relationships: { name: string; using: unknown }[];
  array_relationships: { name: string; using: unknown }[];
}

export interface FakeHasura {
  /** e.g. http://127.0.0.1:PORT/v1/graphql, for HASURA_GRAPHQL_GRAPHQL_URL. */
  graphqlUrl: string;
  adminSecret: string;
  /** Rows `user(id:)` answers, by id; an unknown id answers `{"user":null}`. */
  users: Map<string, Record<string, unknown>>;
  /** When set, `user(id:)` is answered from here instead (e.g. the test database, as Hasura reads it). */
  readUser?: ((id: string) => Promise<Record<string, unknown> | null>) | undefined;
  graphqlRequests: RecordedRequest[];
  metadataRequests: RecordedRequest[];
  /** Tracked `auth` tables by name. */
  tables: Map<string, TrackedTableState>;
  /** When set, every /v1/graphql request gets this answer. */
  forceGraphql: ForcedAnswer | undefined;
  /** When set, decides the answer to a metadata request (return undefined for the normal one). */
  forceMetadata: ((body: any) => ForcedAnswer | undefined) | undefined;
  /** The env to point Latchkey at this server. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

export async function startFakeHasura(adminSecret = 'fake-hasura-admin-secret'): Promise<FakeHasura> {
  const fake: FakeHasura = {
    graphqlUrl: '',
    adminSecret,
    users: new Map(),
    graphqlRequests: [],
    metadataRequests: [],
    tables: new Map(),
    forceGraphql: undefined,
    forceMetadata: undefined,
    env: () => ({ HASURA_GRAPHQL_GRAPHQL_URL: fake.graphqlUrl, HASURA_GRAPHQL_ADMIN_SECRET: adminSecret }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      const recorded = { path: req.url ?? '', headers: req.headers, body };
      const send = (answer: ForcedAnswer) => {
        if (answer === null) {
          req.socket.destroy();
          return;
        }
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body);
      };
      const json = (status: number, value: unknown) => send({ status, body: JSON.stringify(value) });

      if (req.url === '/v1/graphql') fake.graphqlRequests.push(recorded);
      else if (req.url === '/v1/metadata') fake.metadataRequests.push(recorded);
      else return json(404, { error: 'resource does not exist', code: 'not-found', path: '$' });

      if (req.headers['x-hasura-admin-secret'] !== adminSecret) {
        return json(400, { error: 'invalid x-hasura-admin-secret/x-hasura-access-key', path: '$', code: 'access-denied' });
      }
      if (req.url === '/v1/graphql') {
        if (fake.forceGraphql !== undefined) return send(fake.forceGraphql);
        const id = body?.variables?.id;
        if (fake.readUser) {
          fake.readUser(String(id)).then((user) => json(200, { data: { user } }), (err: Error) => json(200, { errors: [{ message: err.message }] }));
          return;
        }
        return json(200, { data: { user: fake.users.get(id) ?? null } });
      }
      const forced = fake.forceMetadata?.(body);
      if (forced !== undefined) return send(forced);
      const [status, answer] = handleMetadata(fake.tables, body);
      return json(status, answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.graphqlUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/graphql`;
  return fake;
}

function handleMetadata(tables: Map<string, TrackedTableState>, body: any): [number, unknown] {
  const args = body?.args ?? {};
  const name: string | undefined = args.table?.name;
  const existing = name === undefined ? undefined : tables.get(name);
  switch (body?.type) {
    case 'export_metadata':
      return [200, exportMetadata(tables)];
    case 'pg_track_table':
      if (existing) return [400, { code: 'already-tracked', error: `view/table already tracked: "auth"."${name}"`, path: '$.args' }];
      tables.set(name!, { configuration: args.configuration ?? {}, isEnum: args.is_enum === true, object_relationships: [], array_relationships: [] });
      return [200, { message: 'success' }];
    case 'pg_set_table_customization':
      if (!existing) return [400, { code: 'not-exists', error: `table "${name}" does not exist`, path: '$.args' }];
      existing.configuration = args.configuration;
      return [200, { message: 'success' }];
    case 'pg_create_object_relationship':
    case 'pg_create_array_relationship': {
      if (!existing) return [400, { code: 'not-exists', error: `table "${name}" does not exist`, path: '$.args' }];
      const list = body.type === 'pg_create_object_relationship' ? existing.object_relationships : existing.array_relationships;
      const all = [...existing.object_relationships, ...existing.array_relationships];
      if (all.some((r) => r.name === args.name)) return [400, { code: 'already-exists', error: `field with name "${args.name}" already exists`, path: '$.args' }];
      list.push({ name: args.name, using: args.using });
      return [200, { message: 'success' }];
    }
    default:
      return [400, { code: 'parse-failed', error: `unknown type ${body?.type}`, path: '$.type' }];
  }
}

function exportMetadata(tables: Map<string, TrackedTableState>): unknown {
  return {
    resource_version: 1,
    metadata: {
      version: 3,
      sources: [
        {
          name: 'default',
          kind: 'postgres',
          tables: [...tables].map(([name, t]) => ({
            table: { name, schema: 'auth' },
            ...(t.isEnum ? { is_enum: true } : {}),
            configuration: t.configuration,
            ...(t.object_relationships.length > 0 ? { object_relationships: t.object_relationships } : {}),
            ...(t.array_relationships.length > 0 ? { array_relationships: t.array_relationships } : {}),
          })),
          configuration: { connection_info: { database_url: { from_env: 'HASURA_GRAPHQL_DATABASE_URL' } } },
        },
      ],
    },
  };
}
