/**
 * POST /link/idtoken (API.md §3.8.2, FLOWS.md §16.3): an elevated user links an Apple or Google
 * identity, checked against a real OpenID provider on 127.0.0.1 (test/support/id-token-issuer.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nonceHashOf } from '../../../src/adapters/oauth/id-token.js';
import { expectContract, expectError, startTestApp, uniqueEmail, type ApiResponse, type TestApp } from '../../support/app.js';
import { expectRefused, formMistakes, REQUEST_ERROR } from '../../support/bad-input.js';
import { expectSecurityFailure } from '../../support/email-password.js';
import { AUDIENCES, startIdTokenIssuer, type IdTokenIssuer } from '../../support/id-token-issuer.js';
import { createSignedInUser, elevate, type SignedInUser } from '../../support/sessions.js';
import { accessTokenClaims, CLAIMS_NAMESPACE, hmacSigningKey, mintToken } from '../../support/system.js';

let issuer: IdTokenIssuer;
let t: TestApp;
let counter = 0;
const subject = () => `link-${Date.now()}-${(counter += 1)}`;

beforeAll(async () => {
  issuer = await startIdTokenIssuer();
  const { AUTH_PROVIDER_APPLE_AUDIENCE: _disabled, ...googleOnly } = issuer.env;
  t = await startTestApp({
    env: { ...googleOnly, AUTH_REQUIRE_ELEVATED_CLAIM: 'required', AUTH_ACCESS_CONTROL_BLOCKED_EMAIL_DOMAINS: 'blocked.example', AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false' },
  });
});
afterAll(async () => {
  await t?.close();
  await issuer?.close();
});
beforeEach(() => t.clock.set(new Date()));

async function link(accessToken: string | undefined, body: Record<string, unknown>): Promise<ApiResponse> {
  t.clock.set(new Date()); // the provider stamps tokens with the real time
  const res = await t.request('POST', '/link/idtoken', { body, ...(accessToken === undefined ? {} : { token: accessToken }) });
  expectContract('linkIdToken', res);
  return res;
}

const elevatedUser = async (): Promise<SignedInUser & { elevated: string }> => {
  const user = await createSignedInUser(t);
  return { ...user, elevated: await elevate(user.session.accessToken) };
};
const googleToken = (sub: string, email = uniqueEmail('linked')) => issuer.idToken({ sub, email, email_verified: false });
const linksOf = async (userId: string) =>
  (await t.db.query<{ provider_id: string; provider_user_id: string; access_token: string }>('SELECT provider_id, provider_user_id, access_token FROM auth.user_providers WHERE user_id = $1 ORDER BY provider_user_id', [userId])).rows;

describe('POST /link/idtoken', () => {
  it('links a Google identity with any address to the elevated caller, who can then sign in with it', async () => {
    const user = await elevatedUser();
    const sub = subject();
    const res = await link(user.elevated, { provider: 'google', idToken: await googleToken(sub, uniqueEmail('other-address')) });
    expect(res.status).toBe(200);
    expect(res.body).toBe('OK');
    expect(await linksOf(user.id)).toEqual([{ provider_id: 'google', provider_user_id: sub, access_token: 'unset' }]);

    const idToken = await googleToken(sub);
    t.clock.set(new Date());
    const signIn = await t.request('POST', '/signin/idtoken', { body: { provider: 'google', idToken } });
    expect(signIn.status).toBe(200);
    expect(signIn.body.session.user).toMatchObject({ id: user.id, email: user.email });
  });

  it('lets one user hold several Google identities', async () => {
    const user = await elevatedUser();
    const [a, b] = [subject(), subject()];
    expect((await link(user.elevated, { provider: 'google', idToken: await googleToken(a) })).status).toBe(200);
    expect((await link(user.elevated, { provider: 'google', idToken: await googleToken(b) })).status).toBe(200);
    expect((await linksOf(user.id)).map((row) => row.provider_user_id)).toEqual([a, b].sort());
  });

  it('refuses an identity already linked, to the caller or to anyone else', async () => {
    const owner = await elevatedUser();
    const sub = subject();
    await link(owner.elevated, { provider: 'google', idToken: await googleToken(sub) });
    expectError(await link(owner.elevated, { provider: 'google', idToken: await googleToken(sub) }), 400, 'provider-account-already-linked');
    const other = await elevatedUser();
    expectError(await link(other.elevated, { provider: 'google', idToken: await googleToken(sub) }), 400, 'provider-account-already-linked');
    expect(await linksOf(other.id)).toEqual([]);
  });

  it('requires elevation when AUTH_REQUIRE_ELEVATED_CLAIM is required, and a bearer token at all', async () => {
    const user = await createSignedInUser(t);
    const body = { provider: 'google', idToken: await googleToken(subject()) };
    expectSecurityFailure(await link(user.session.accessToken, body));
    expectSecurityFailure(await link(undefined, body));
    expect(await linksOf(user.id)).toEqual([]);
  });

  it('does not apply the allow/block lists to the token address', async () => {
    const user = await elevatedUser();
    const res = await link(user.elevated, { provider: 'google', idToken: await googleToken(subject(), `someone-${subject()}@blocked.example`) });
    expect(res.status).toBe(200);
  });

  it('checks the token as sign-in does: nonce, audience, signature, subject', async () => {
    const user = await elevatedUser();
    const raw = 'raw-link-nonce';
    const withNonce = await issuer.idToken({ sub: subject(), email: uniqueEmail(), nonce: nonceHashOf(raw) });
    expectError(await link(user.elevated, { provider: 'google', idToken: withNonce, nonce: 'wrong' }), 400, 'invalid-request');
    expect((await link(user.elevated, { provider: 'google', idToken: withNonce, nonce: raw })).status).toBe(200);
    const claims = { sub: subject(), email: uniqueEmail() };
    expectError(await link(user.elevated, { provider: 'google', idToken: await issuer.idToken(claims, AUDIENCES.other) }), 400, 'invalid-request');
    expectError(await link(user.elevated, { provider: 'google', idToken: await issuer.forge(claims, 'stranger') }), 400, 'invalid-request');
    expectError(await link(user.elevated, { provider: 'google', idToken: await issuer.forge({ ...claims, sub: '' }) }), 400, 'oauth-profile-fetch-failed');
    expect(await linksOf(user.id)).toHaveLength(1);
  });

  it('answers disabled-endpoint for a provider without an audience', async () => {
    const user = await elevatedUser();
    const idToken = await issuer.idToken({ sub: subject(), email: uniqueEmail() }, AUDIENCES.apple);
    expectError(await link(user.elevated, { provider: 'apple', idToken }), 409, 'disabled-endpoint');
  });

  it("refuses a caller whose x-hasura-user-id is not a UUID, and a disabled caller", async () => {
    const user = await elevatedUser();
    const claims = accessTokenClaims(user.id, t.clock.now());
    const hasura = claims[CLAIMS_NAMESPACE] as Record<string, unknown>;
    const odd = await mintToken(hmacSigningKey(), { ...claims, [CLAIMS_NAMESPACE]: { ...hasura, 'x-hasura-user-id': 'not-a-uuid', 'x-hasura-auth-elevated': user.id } });
    expectError(await link(odd, { provider: 'google', idToken: await googleToken(subject()) }), 400, 'invalid-request');
    await t.db.query('UPDATE auth.users SET disabled = true WHERE id = $1', [user.id]);
    expectError(await link(user.elevated, { provider: 'google', idToken: await googleToken(subject()) }), 401, 'disabled-user');
    expect(await linksOf(user.id)).toEqual([]);
  });

  describe('malformed requests get 400, never 500', () => {
    let token: string;
    beforeAll(async () => {
      token = (await elevatedUser()).elevated;
    });
    for (const [label, options] of formMistakes(() => ({ provider: 'google', idToken: 'x.y.z' }))) {
      it(`refuses ${label}`, async () => {
        await expectRefused(t, 'POST', '/link/idtoken', { ...options(), token }, undefined);
      });
    }
    for (const [label, body] of [
      ['options, which linking does not take', { provider: 'google', idToken: 'x', options: {} }],
      ['an OAuth-only provider', { provider: 'github', idToken: 'x' }],
      ['no idToken', { provider: 'google' }],
    ] as const) {
      it(`refuses ${label}`, async () => {
        await expectRefused(t, 'POST', '/link/idtoken', { body, token }, REQUEST_ERROR);
      });
    }
    it('answers invalid-request for a token that is not a JWT', async () => {
      expectError(await link(token, { provider: 'google', idToken: 'garbage' }), 400, 'invalid-request');
    });
  });
});
