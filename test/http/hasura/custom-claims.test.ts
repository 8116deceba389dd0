import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config/load.js';
import { BASE_ENV, capturingLogger, decodeJwt, expectContract, startTestApp, uniqueEmail, type TestApp } from '../../support/app.js';
import { bcryptHash, insertPasswordUser } from '../../support/email-password.js';
import { startFakeHasura, type FakeHasura } from '../../support/fake-hasura.js';
import { CLAIMS, refresh, signIn } from '../../support/sessions.js';

const PASSWORD = 'a-good-password-123';
const CUSTOM_CLAIMS = {
  'org-id': 'profile.orgId',
  'project-ids': 'projects[].id',
  'first-project': 'projects[0].id',
  plan: 'metadata.plan',
  tier: 'metadata.tier',
  nickname: 'metadata.nickname',
};
const DEFAULTS = { tier: 'bronze', plan: 'free' };
const EXPECTED_QUERY = 'query GetClaims($id: uuid!) { user(id:$id) {metadata profile{orgId }projects{id }} }';

let hasura: FakeHasura;
let t: TestApp;
const logger = capturingLogger('info');

beforeAll(async () => {
  hasura = await startFakeHasura();
  t = await startTestApp({
    env: { ...hasura.env(), AUTH_JWT_CUSTOM_CLAIMS: JSON.stringify(CUSTOM_CLAIMS), AUTH_JWT_CUSTOM_CLAIMS_DEFAULTS: JSON.stringify(DEFAULTS), AUTH_ANONYMOUS_USERS_ENABLED: 'true' },
    log: logger.log,
  });
});
afterAll(async () => {
  await t?.close();
  await hasura?.close();
});
beforeEach(() => {
  hasura.forceGraphql = undefined;
  hasura.readUser = undefined;
  hasura.graphqlRequests.length = 0;
  logger.lines.length = 0;
});

async function newUser(hasuraRow?: Record<string, unknown>): Promise<{ id: string; email: string }> {
  const email = uniqueEmail('claims');
  const id = await insertPasswordUser(t.db, { email, passwordHash: bcryptHash(PASSWORD, '$2a$') });
  if (hasuraRow) hasura.users.set(id, hasuraRow);
  return { id, email };
}

function hasuraClaims(accessToken: string): Record<string, unknown> {
  return decodeJwt(accessToken)[CLAIMS];
}

describe('custom claims from Hasura (AUTH_JWT_CUSTOM_CLAIMS)', () => {
  it('asks Hasura’s GraphQL endpoint with the admin secret and puts the values in the access token at sign-in', async () => {
    const user = await newUser({ profile: { orgId: 'org-42' }, projects: [{ id: 7 }, { id: 9 }], metadata: { plan: 'pro' } });
    const session = await signIn(t, user.email, PASSWORD);

    expect(hasura.graphqlRequests).toHaveLength(1);
    const [request] = hasura.graphqlRequests;
    expect(request!.headers['x-hasura-admin-secret']).toBe(hasura.adminSecret);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['accept']).toBe('application/json');
    expect(request!.body).toEqual({ query: EXPECTED_QUERY, variables: { id: user.id } });

    const claims = hasuraClaims(session.accessToken);
    expect(claims).toMatchObject({
      'x-hasura-user-id': user.id,
      'x-hasura-org-id': 'org-42',
      'x-hasura-project-ids': '{7,9}',
      'x-hasura-first-project': '7',
      'x-hasura-plan': 'pro',
      'x-hasura-tier': 'bronze', // missing in Hasura's answer: the default
    });
    // No value and no default: left out, where the reference writes the string "null".
    expect(claims).not.toHaveProperty('x-hasura-nickname');
    expect(Object.values(claims)).not.toContain('null');
  });

  it('fetches them again at every refresh', async () => {
    const user = await newUser({ profile: { orgId: 'org-1' }, projects: [], metadata: {} });
    const session = await signIn(t, user.email, PASSWORD);
    expect(hasuraClaims(session.accessToken)).toMatchObject({ 'x-hasura-org-id': 'org-1', 'x-hasura-project-ids': '{}', 'x-hasura-plan': 'free' });
    expect(hasuraClaims(session.accessToken)).not.toHaveProperty('x-hasura-first-project');

    hasura.users.set(user.id, { profile: { orgId: 'org-2' }, projects: [{ id: 3 }], metadata: { plan: 'team' } });
    const res = await refresh(t, session.refreshToken);
    expect(res.status, res.text).toBe(200);
    expectContract('refreshToken', res);
    expect(hasuraClaims(res.body.accessToken)).toMatchObject({
      'x-hasura-org-id': 'org-2',
      'x-hasura-project-ids': '{3}',
      'x-hasura-first-project': '3',
      'x-hasura-plan': 'team',
    });
    expect(hasura.graphqlRequests.map((r) => r.body.variables.id)).toEqual([user.id, user.id]);
  });

  const failures: [string, () => void][] = [
    ['answers 500', () => (hasura.forceGraphql = { status: 500, body: '{"error":"boom"}' })],
    ['answers GraphQL errors', () => (hasura.forceGraphql = { status: 200, body: '{"errors":[{"message":"field \'profile\' not found in type: \'users\'"}]}' })],
    ['answers something other than JSON', () => (hasura.forceGraphql = { status: 200, body: '<html>proxy error</html>' })],
    ['drops the connection', () => (hasura.forceGraphql = null)],
  ];
  for (const [what, arrange] of failures) {
    it(`still signs in when Hasura ${what}: the defaults apply and the failure is logged without the secret`, async () => {
      const user = await newUser({ profile: { orgId: 'org-x' }, projects: [], metadata: {} });
      arrange();
      const session = await signIn(t, user.email, PASSWORD);
      const claims = hasuraClaims(session.accessToken);
      expect(claims).toMatchObject({ 'x-hasura-user-id': user.id, 'x-hasura-tier': 'bronze', 'x-hasura-plan': 'free' });
      expect(claims).not.toHaveProperty('x-hasura-org-id');
      expect(claims).not.toHaveProperty('x-hasura-project-ids');

      const logged = logger.lines.filter((line) => line.includes('custom claims'));
      expect(logged).toHaveLength(1);
      expect(JSON.parse(logged[0]!)).toMatchObject({ level: 50, userId: user.id });
      expect(logger.lines.join('\n')).not.toContain(hasura.adminSecret);
    });
  }

  it('gives a user created by the request the claims Hasura reads once the user is committed', async () => {
    // Like the real Hasura, the fake reads the user through its own connection to the database.
    hasura.readUser = async (id) => {
      const { rows } = await t.db.query<{ metadata: Record<string, unknown> | null }>('SELECT metadata FROM auth.users WHERE id = $1', [id]);
      return rows[0] ? { metadata: rows[0].metadata ?? {}, profile: null, projects: [] } : null;
    };
    const res = await t.request('POST', '/signin/anonymous', { body: { metadata: { plan: 'pro' } } });
    expect(res.status).toBe(200);
    expectContract('signInAnonymous', res);
    const claims = hasuraClaims(res.body.session.accessToken);
    expect(claims).toMatchObject({ 'x-hasura-user-id': res.body.session.user.id, 'x-hasura-plan': 'pro' });
    expect(logger.lines.some((line) => line.includes('custom claims'))).toBe(false);
  });

  it('applies the defaults for a user Hasura does not know', async () => {
    const user = await newUser(); // not in the fake: {"user": null}
    const session = await signIn(t, user.email, PASSWORD);
    const claims = hasuraClaims(session.accessToken);
    expect(claims).toMatchObject({ 'x-hasura-tier': 'bronze', 'x-hasura-plan': 'free' });
    expect(claims).not.toHaveProperty('x-hasura-org-id');
    expect(logger.lines.some((line) => line.includes('custom claims'))).toBe(true);
  });
});

describe('custom claims at start-up', () => {
  it('refuses to start with a path it cannot parse, before touching the database', async () => {
    const env = { ...BASE_ENV, ...hasura.env(), AUTH_JWT_CUSTOM_CLAIMS: JSON.stringify({ broken: 'projects[?(@.id ==' }) };
    const before = hasura.metadataRequests.length;
    await expect(createApp(loadConfig(env), { db: t.db, log: capturingLogger().log }, env)).rejects.toThrow(/custom claim "broken"/);
    expect(hasura.metadataRequests).toHaveLength(before);
  });
});
