import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, expectContract, expectError, startTestApp, uniqueEmail, type TestApp } from '../../support/app.js';
import { createSdk, sdkFailure, sdkResponse, storedSession } from '../../support/sdk.js';
import { SECURITY_FAILURE_PREFIX } from '../../support/system.js';
import { totpCode, wrongTotpCode } from '../../support/totp.js';

// The official client (@nhost/nhost-js 4.x) through TOTP enrolment, the two-step sign-in and
// deactivation, against Latchkey served under /v1 (API-NEWER.md §5). Codes are computed from the
// secret at the app's clock, as an authenticator app would.

const ENV = {
  AUTH_API_PREFIX: '/v1',
  AUTH_MFA_ENABLED: 'true',
  AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false',
};
const PASSWORD = 'sdk-Passw0rd!';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: ENV });
});
afterAll(() => t?.close());

describe('@nhost/nhost-js: TOTP multi-factor authentication', () => {
  it('enrols, signs in with password then code, and turns TOTP off again', async () => {
    const email = uniqueEmail('sdk-mfa');
    const owner = createSdk(t.baseUrl);
    await owner.nhost.auth.signUpEmailPassword({ email, password: PASSWORD });
    const userId = storedSession(owner).user!.id;

    // Enrolment: a secret, then activation with a current code.
    const generated = await owner.nhost.auth.changeUserMfa();
    expectContract('changeUserMfa', sdkResponse(generated));
    const secret: string = generated.body.totpSecret;
    expect(generated.body.imageUrl.startsWith('data:image/png;base64,')).toBe(true);
    const activated = await owner.nhost.auth.verifyChangeUserMfa({ code: totpCode(secret, t.clock.now()), activeMfaType: 'totp' });
    expect(activated.body).toBe('OK');
    expect((await owner.nhost.auth.getUser()).body.activeMfaType).toBe('totp');

    // Re-keying the active factor needs elevation (compat S16).
    const rekey = await sdkFailure(owner.nhost.auth.changeUserMfa());
    expect(rekey.response.status).toBe(400);
    expect(rekey.response.body).toEqual({ error: `${SECURITY_FAILURE_PREFIX}elevated-claim-required` });

    // Another device: the password yields only an MFA ticket, the code a session the SDK keeps.
    const device = createSdk(t.baseUrl);
    const first = await device.nhost.auth.signInEmailPassword({ email, password: PASSWORD });
    expectContract('signInEmailPassword', sdkResponse(first));
    expect(first.body.session).toBeUndefined();
    const ticket: string = first.body.mfa!.ticket;
    expect(ticket).toMatch(/^mfaTotp:/);
    expect(device.nhost.getUserSession()).toBeNull();

    const wrong = await sdkFailure(device.nhost.auth.verifySignInMfaTotp({ ticket, otp: wrongTotpCode(secret, t.clock.now()) }));
    expectError(wrong.response, 401, 'invalid-totp');
    expect(device.nhost.getUserSession()).toBeNull();

    const second = await device.nhost.auth.verifySignInMfaTotp({ ticket, otp: totpCode(secret, t.clock.now()) });
    expectContract('verifySignInMfaTotp', sdkResponse(second));
    const session = storedSession(device);
    expect(session.accessToken).toBe(second.body.session!.accessToken);
    expect(decodeJwt(session.accessToken).sub).toBe(userId);
    expect((await device.nhost.auth.getUser()).body.id).toBe(userId);

    // Deactivation from the new session; the password alone signs in again.
    const off = await device.nhost.auth.verifyChangeUserMfa({ code: totpCode(secret, t.clock.now()), activeMfaType: '' });
    expect(off.body).toBe('OK');
    const third = createSdk(t.baseUrl);
    const plain = await third.nhost.auth.signInEmailPassword({ email, password: PASSWORD });
    expect(plain.body.mfa ?? undefined).toBeUndefined();
    expect(storedSession(third).user!.id).toBe(userId);
    expect(device.calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      'POST /v1/signin/email-password 200',
      'POST /v1/signin/mfa/totp 401',
      'POST /v1/signin/mfa/totp 200',
      'GET /v1/user 200',
      'POST /v1/user/mfa 200',
    ]);
  });
});
