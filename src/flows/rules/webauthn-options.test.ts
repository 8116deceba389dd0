import { describe, expect, it } from 'vitest';
import { buildCreationOptions, buildRequestOptions, userIdOfUserHandle } from './webauthn-options.js';

const rp = { id: 'example.org', name: 'Example', origins: ['https://example.org'] };
const USER_ID = '2c35b6f3-c4b9-48e3-978a-d4d0f1d42e24';

describe('WebAuthn option objects', () => {
  it('shapes creation options as the reference does', () => {
    expect(buildCreationOptions({ rp, user: { id: USER_ID, name: 'Ada' }, challenge: 'abc', timeoutMs: 60000 })).toEqual({
      rp: { name: 'Example', id: 'example.org' },
      user: { name: 'Ada', displayName: 'Ada', id: USER_ID },
      challenge: 'abc',
      pubKeyCredParams: [-7, -35, -36, -257, -258, -259, -37, -38, -39, -8].map((alg) => ({ type: 'public-key', alg })),
      timeout: 60000,
      authenticatorSelection: { requireResidentKey: false, residentKey: 'preferred', userVerification: 'preferred' },
      attestation: 'indirect',
    });
  });

  it('lists existing keys to exclude only when there are some', () => {
    expect(buildCreationOptions({ rp, user: { id: USER_ID, name: 'A' }, challenge: 'c', timeoutMs: 1, excludeCredentialIds: [] })).not.toHaveProperty('excludeCredentials');
    expect(buildCreationOptions({ rp, user: { id: USER_ID, name: 'A' }, challenge: 'c', timeoutMs: 1, excludeCredentialIds: ['k1'] }).excludeCredentials).toEqual([{ type: 'public-key', id: 'k1' }]);
  });

  it('omits allowCredentials for a discoverable sign-in', () => {
    expect(buildRequestOptions({ rp, challenge: 'c', timeoutMs: 5 })).toEqual({ challenge: 'c', timeout: 5, rpId: 'example.org', userVerification: 'preferred' });
    expect(buildRequestOptions({ rp, challenge: 'c', timeoutMs: 5, allowCredentialIds: ['k'] }).allowCredentials).toEqual([{ type: 'public-key', id: 'k' }]);
  });
});

describe('userIdOfUserHandle', () => {
  it('reads the UUID as text, or base64url-encoded once more', () => {
    expect(userIdOfUserHandle(USER_ID)).toBe(USER_ID);
    expect(userIdOfUserHandle(Buffer.from(USER_ID).toString('base64url'))).toBe(USER_ID);
  });

  it('gives null for anything else', () => {
    expect(userIdOfUserHandle(null)).toBeNull();
    expect(userIdOfUserHandle(undefined)).toBeNull();
    expect(userIdOfUserHandle('')).toBeNull();
    expect(userIdOfUserHandle('not-a-user')).toBeNull();
  });
});
