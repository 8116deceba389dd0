import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract, expectError, type TestApp } from '../../support/app.js';
import { startAppGroup, userRow, type AppGroup } from '../../support/email-password.js';
import { createSignedInUser, elevate, insertSecurityKey } from '../../support/sessions.js';
import { accessTokenClaims, expectSecurityFailure, hmacSigningKey, mintToken } from '../../support/system.js';
import { enrolTotp, mfaTicket, totpCode } from '../../support/totp.js';
import { openStoredTotpSecret, storedTotpSecret } from '../../support/totp-at-rest.js';

// GET /mfa/totp/generate (API.md §3.7.1, TOKENS.md §10.4). Deliberate difference (README
// decision, compat S16): while TOTP is active a new secret needs an elevated token, whatever
// AUTH_REQUIRE_ELEVATED_CLAIM says; the reference re-keyed an active factor with any access token.

type Apps = 'mfa' | 'off' | 'required';

let g: AppGroup<Apps>;
let mfa: TestApp;

beforeAll(async () => {
  g = await startAppGroup<Apps>({
    mfa: { AUTH_MFA_ENABLED: 'true', AUTH_ANONYMOUS_USERS_ENABLED: 'true', AUTH_MFA_TOTP_ISSUER: 'Latchkey Test' },
    off: {},
    required: { AUTH_MFA_ENABLED: 'true', AUTH_REQUIRE_ELEVATED_CLAIM: 'required' },
  });
  ({ mfa } = g.apps);
});
afterAll(() => g?.close());

/** The QR code of the key URI the reference builds (TOKENS.md §10.4), rendered as our image is. */
function expectedImage(account: string, secret: string): Promise<string> {
  const issuer = 'Latchkey%20Test';
  const uri = `otpauth://totp/${issuer}:${account}?algorithm=SHA1&digits=6&issuer=${issuer}&period=30&secret=${secret}`;
  return QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', width: 200, margin: 1 });
}

function generate(t: TestApp, token: string | undefined) {
  return t.request('GET', '/mfa/totp/generate', token === undefined ? {} : { token });
}

describe('GET /mfa/totp/generate', () => {
  it('returns a base32 secret and a 200×200 PNG QR code, and stores the secret encrypted', async () => {
    const user = await createSignedInUser(mfa);
    const res = await generate(mfa, user.session.accessToken);
    expect(res.status, res.text).toBe(200);
    expectContract('changeUserMfa', res);
    expect(Object.keys(res.body).sort()).toEqual(['imageUrl', 'totpSecret']);
    expect(res.body.totpSecret).toMatch(/^[A-Z2-7]{52}$/);
    const png = Buffer.from(res.body.imageUrl.slice('data:image/png;base64,'.length), 'base64');
    expect(res.body.imageUrl.startsWith('data:image/png;base64,')).toBe(true);
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([200, 200]);

    const stored = await storedTotpSecret(g.db, user.id);
    expect(stored).toMatch(/^[0-9a-f]{160}$/);
    expect(openStoredTotpSecret(stored!)).toBe(res.body.totpSecret);
    expect((await userRow(g.db, { id: user.id }))!.active_mfa_type).toBeNull();
  });

  it('encodes the key URI with the issuer and the e-mail, else the display name, as the account', async () => {
    const user = await createSignedInUser(mfa);
    const res = await generate(mfa, user.session.accessToken);
    expect(res.body.imageUrl).toBe(await expectedImage(user.email, res.body.totpSecret));

    const r = await g.db.query<{ id: string }>("INSERT INTO auth.users (locale, display_name) VALUES ('en', 'Ada Lovelace') RETURNING id");
    const id = r.rows[0]!.id;
    const token = await mintToken(hmacSigningKey(), accessTokenClaims(id, g.clock.now()));
    const noEmail = await generate(mfa, token);
    expect(noEmail.status, noEmail.text).toBe(200);
    expect(noEmail.body.imageUrl).toBe(await expectedImage('Ada%20Lovelace', noEmail.body.totpSecret));
  });

  it('replaces the stored secret on every call', async () => {
    const user = await createSignedInUser(mfa);
    const first = await generate(mfa, user.session.accessToken);
    const second = await generate(mfa, user.session.accessToken);
    expect(second.body.totpSecret).not.toBe(first.body.totpSecret);
    expect(openStoredTotpSecret((await storedTotpSecret(g.db, user.id))!)).toBe(second.body.totpSecret);
  });

  it('answers disabled-endpoint while AUTH_MFA_ENABLED is off, storing nothing', async () => {
    const user = await createSignedInUser(g.apps.off);
    const res = await generate(g.apps.off, user.session.accessToken);
    expectError(res, 409, 'disabled-endpoint');
    expectContract('changeUserMfa', res);
    expect(await storedTotpSecret(g.db, user.id)).toBeNull();
  });

  it('refuses a missing token at the security stage and anonymous users with forbidden-anonymous', async () => {
    expectSecurityFailure(await generate(mfa, undefined));
    const anon = await mfa.request('POST', '/signin/anonymous', { body: {} });
    expect(anon.status, anon.text).toBe(200);
    expectError(await generate(mfa, anon.body.session.accessToken), 403, 'forbidden-anonymous');
  });

  it('refuses a disabled user', async () => {
    const user = await createSignedInUser(mfa);
    await g.db.query('UPDATE auth.users SET disabled = true WHERE id = $1', [user.id]);
    expectError(await generate(mfa, user.session.accessToken), 401, 'disabled-user');
    expect(await storedTotpSecret(g.db, user.id)).toBeNull();
  });

  it('needs an elevated token to replace the secret while TOTP is active, and keeps the old one when refused', async () => {
    const user = await createSignedInUser(mfa);
    const secret = await enrolTotp(mfa, user.session.accessToken);
    const before = await storedTotpSecret(g.db, user.id);

    const refused = await generate(mfa, user.session.accessToken);
    expectSecurityFailure(refused, 'elevated-claim-required');
    expectContract('changeUserMfa', refused);
    expect(await storedTotpSecret(g.db, user.id)).toBe(before);
    // The old secret still completes sign-in.
    const ticket = await mfaTicket(mfa, user.email, user.password);
    const signIn = await mfa.request('POST', '/signin/mfa/totp', { body: { ticket, otp: totpCode(secret, g.clock.now()) } });
    expect(signIn.status, signIn.text).toBe(200);

    const allowed = await generate(mfa, await elevate(user.session.accessToken));
    expect(allowed.status, allowed.text).toBe(200);
    expect(openStoredTotpSecret((await storedTotpSecret(g.db, user.id))!)).toBe(allowed.body.totpSecret);
    expect((await userRow(g.db, { id: user.id }))!.active_mfa_type).toBe('totp');
  });

  it('needs no elevation without active TOTP, even under AUTH_REQUIRE_ELEVATED_CLAIM=required (as in the target)', async () => {
    const t = g.apps.required;
    const user = await createSignedInUser(t);
    await insertSecurityKey(t, user.id);
    const res = await generate(t, user.session.accessToken);
    expect(res.status, res.text).toBe(200);
  });
});
