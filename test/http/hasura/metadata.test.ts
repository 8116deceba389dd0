import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config/load.js';
import { BASE_ENV, capturingLogger, startTestApp } from '../../support/app.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { startFakeHasura, type FakeHasura, type RecordedRequest } from '../../support/fake-hasura.js';

const TABLES = [
  'provider_requests',
  'refresh_token_types',
  'refresh_tokens',
  'roles',
  'user_providers',
  'user_roles',
  'users',
  'providers',
  'user_security_keys',
  'oauth2_clients',
  'oauth2_auth_requests',
  'oauth2_authorization_codes',
  'oauth2_refresh_tokens',
];
const RELATIONSHIPS = [
  'refresh_token_types.refreshTokens',
  'refresh_tokens.user',
  'roles.userRoles',
  'roles.usersByDefaultRole',
  'user_providers.user',
  'user_providers.provider',
  'user_roles.user',
  'user_roles.roleByRole',
  'users.defaultRoleByRole',
  'users.userProviders',
  'users.roles',
  'users.refreshTokens',
  'users.securityKeys',
  'users.oauth2AuthRequests',
  'users.oauth2RefreshTokens',
  'providers.userProviders',
  'user_security_keys.user',
  'oauth2_clients.createdByUser',
  'oauth2_clients.authRequests',
  'oauth2_clients.oauth2RefreshTokens',
  'oauth2_auth_requests.client',
  'oauth2_auth_requests.user',
  'oauth2_auth_requests.authorizationCodes',
  'oauth2_auth_requests.refreshTokens',
  'oauth2_authorization_codes.authRequest',
  'oauth2_refresh_tokens.authRequest',
  'oauth2_refresh_tokens.client',
  'oauth2_refresh_tokens.user',
];

const ofType = (requests: RecordedRequest[], type: string) => requests.filter((r) => r.body.type === type);
const relationshipNames = (requests: RecordedRequest[]) =>
  requests.filter((r) => /^pg_create_(object|array)_relationship$/.test(r.body.type)).map((r) => `${r.body.args.table.name}.${r.body.args.name}`);

let shared: TestDatabase;
beforeAll(async () => {
  shared = await createTestDatabase();
});
afterAll(() => shared.drop());

/** Starts and stops an app against `hasura`; resolves with the metadata requests of that start. */
async function startOnce(hasura: FakeHasura, log = capturingLogger()): Promise<RecordedRequest[]> {
  const before = hasura.metadataRequests.length;
  const t = await startTestApp({ env: hasura.env(), database: shared, log: log.log });
  await t.close();
  return hasura.metadataRequests.slice(before);
}

/** createApp's rejection for this Hasura, with the log it wrote. */
async function failedStart(hasura: FakeHasura, extraEnv: Record<string, string> = {}): Promise<{ error: Error; lines: string[] }> {
  const env = { ...BASE_ENV, ...hasura.env(), ...extraEnv };
  const log = capturingLogger();
  const error = await createApp(loadConfig(env), { db: shared.db, log: log.log }, env).then(
    () => {
      throw new Error('the app started');
    },
    (err: Error) => err,
  );
  return { error, lines: log.lines };
}

describe('Hasura metadata at start-up, on a Hasura that tracks nothing yet', () => {
  let hasura: FakeHasura;
  let requests: RecordedRequest[];
  beforeAll(async () => {
    hasura = await startFakeHasura();
    requests = await startOnce(hasura);
  });
  afterAll(() => hasura.close());

  it('sends every call to /v1/metadata with the admin secret', () => {
    expect(requests.length).toBeGreaterThan(0);
    for (const r of requests) {
      expect(r.path).toBe('/v1/metadata');
      expect(r.headers['x-hasura-admin-secret']).toBe(hasura.adminSecret);
      expect(r.headers['content-type']).toBe('application/json; charset=UTF-8');
    }
    expect(hasura.graphqlRequests).toHaveLength(0);
  });

  it('reads the metadata first, then tracks the auth tables in the reference’s order, then creates the relationships', () => {
    expect(requests[0]!.body).toEqual({ type: 'export_metadata', version: 2, args: {} });
    const tracks = ofType(requests, 'pg_track_table');
    expect(tracks.map((r) => r.body.args.table)).toEqual(TABLES.map((name) => ({ schema: 'auth', name })));
    expect(requests.slice(1, 1 + TABLES.length)).toEqual(tracks);
    expect(relationshipNames(requests)).toEqual(RELATIONSHIPS);
    expect(requests).toHaveLength(1 + TABLES.length + RELATIONSHIPS.length);
  });

  it('tracks users under the names clients and the custom-claims query use', () => {
    const users = ofType(requests, 'pg_track_table').find((r) => r.body.args.table.name === 'users')!;
    expect(users.body.args.source).toBe('default');
    expect(users.body.args.configuration.custom_name).toBe('users');
    expect(users.body.args.configuration.custom_root_fields).toEqual({
      select: 'users',
      select_by_pk: 'user',
      select_aggregate: 'usersAggregate',
      insert: 'insertUsers',
      insert_one: 'insertUser',
      update: 'updateUsers',
      update_by_pk: 'updateUser',
      delete: 'deleteUsers',
      delete_by_pk: 'deleteUser',
    });
    expect(users.body.args.configuration.custom_column_names).toMatchObject({
      default_role: 'defaultRole',
      is_anonymous: 'isAnonymous',
      webauthn_current_challenge: 'currentChallenge',
      otp_hash_expires_at: 'otpHashExpiresAt',
    });
    const tokens = ofType(requests, 'pg_track_table').find((r) => r.body.args.table.name === 'oauth2_refresh_tokens')!;
    expect(tokens.body.args.configuration.custom_root_fields.insert_one).toBe('insertAuthOauth2RefreshToken');
    expect(tokens.body.args.configuration.custom_column_names.auth_request_id).toBe('authRequestId');
    const types = ofType(requests, 'pg_track_table').find((r) => r.body.args.table.name === 'refresh_token_types')!;
    expect(types.body.is_enum).toBe(true);
  });

  it('creates object relationships on their foreign-key column and array relationships on the remote one', () => {
    const find = (name: string) => requests.find((r) => r.body.args?.name === name.split('.')[1] && r.body.args?.table?.name === name.split('.')[0])!;
    expect(find('refresh_tokens.user').body).toEqual({
      type: 'pg_create_object_relationship',
      args: { table: { schema: 'auth', name: 'refresh_tokens' }, name: 'user', source: 'default', using: { foreign_key_constraint_on: ['user_id'] } },
    });
    expect(find('users.roles').body).toEqual({
      type: 'pg_create_array_relationship',
      args: {
        table: { schema: 'auth', name: 'users' },
        name: 'roles',
        source: 'default',
        using: { foreign_key_constraint_on: { table: { schema: 'auth', name: 'user_roles' }, columns: ['user_id'] } },
      },
    });
  });
});

describe('Hasura metadata at a second start', () => {
  let hasura: FakeHasura;
  let second: RecordedRequest[];
  beforeAll(async () => {
    hasura = await startFakeHasura();
    await startOnce(hasura);
    // Someone customised users further in the console: those keys must survive.
    const users = hasura.tables.get('users')!;
    users.configuration = { ...users.configuration, comment: 'kept', custom_root_fields: { ...(users.configuration['custom_root_fields'] as object), select_stream: 'usersStream' } };
    second = await startOnce(hasura);
  });
  afterAll(() => hasura.close());

  it('is harmless: already-tracked tables get their names again, and no relationship is created twice', () => {
    expect(second[0]!.body.type).toBe('export_metadata');
    expect(ofType(second, 'pg_track_table')).toHaveLength(TABLES.length);
    const customizations = ofType(second, 'pg_set_table_customization');
    expect(customizations.map((r) => r.body.args.table.name)).toEqual(TABLES);
    expect(relationshipNames(second)).toEqual([]);
    expect(hasura.tables.size).toBe(TABLES.length);
  });

  it('keeps the configuration keys it does not set', () => {
    const users = ofType(second, 'pg_set_table_customization').find((r) => r.body.args.table.name === 'users')!;
    expect(users.body.args.configuration.comment).toBe('kept');
    expect(users.body.args.configuration.custom_root_fields.select_stream).toBe('usersStream');
    expect(users.body.args.configuration.custom_root_fields.select_by_pk).toBe('user');
    expect(users.body.args.configuration.custom_name).toBe('users');
  });
});

describe('Hasura metadata failures', () => {
  let hasura: FakeHasura;
  beforeAll(async () => {
    hasura = await startFakeHasura();
  });
  afterAll(() => hasura.close());

  it('carries on with a warning when the metadata cannot be exported, and answers already-exists calmly', async () => {
    await startOnce(hasura); // everything is tracked and related now
    hasura.forceMetadata = (body) => (body.type === 'export_metadata' ? { status: 500, body: '{"error":"internal"}' } : undefined);
    const log = capturingLogger();
    const requests = await startOnce(hasura, log);
    hasura.forceMetadata = undefined;
    expect(log.lines.some((l) => l.includes('could not read the Hasura metadata') && JSON.parse(l).level === 40)).toBe(true);
    expect(ofType(requests, 'pg_set_table_customization')).toHaveLength(TABLES.length);
    expect(relationshipNames(requests)).toEqual(RELATIONSHIPS); // each answered already-exists
  });

  it('stops start-up when a table cannot be tracked', async () => {
    hasura.forceMetadata = (body) => (body.type === 'pg_track_table' ? { status: 400, body: '{"code":"permission-denied","error":"no"}' } : undefined);
    const { error } = await failedStart(hasura);
    hasura.forceMetadata = undefined;
    expect(error.message).toMatch(/tracking table auth\.provider_requests: status 400/);
  });

  it('stops start-up when Hasura refuses the admin secret, without writing the secret anywhere', async () => {
    const { error, lines } = await failedStart(hasura, { HASURA_GRAPHQL_ADMIN_SECRET: 'a-wrong-secret' });
    expect(error.message).toMatch(/access-denied/);
    expect(error.message + lines.join('\n')).not.toContain('a-wrong-secret');
  });

  it('stops start-up when Hasura cannot be reached', async () => {
    const { error } = await failedStart(hasura, { HASURA_GRAPHQL_GRAPHQL_URL: 'http://127.0.0.1:1/v1/graphql' });
    expect(error.message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:1\/v1\/metadata/);
  });
});
