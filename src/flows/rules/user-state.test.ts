import { describe, expect, it } from 'vitest';
import { AuthError } from '../../errors.js';
import type { EmailAccessLists } from './email-access.js';
import { assertUserCanSignIn, findUserStateError, type UserCheckVariant, type UserStateConfig, type UserStateInput } from './user-state.js';

const noLists: EmailAccessLists = { blockedEmails: [], allowedEmails: [], blockedDomains: [], allowedDomains: [] };
const config: UserStateConfig = { accessControl: { ...noLists, blockedDomains: ['blocked.com'] }, emailVerifiedRequired: true };

const active: UserStateInput = { email: 'jane@example.com', disabled: false, emailVerified: true, isAnonymous: false };
const anonymous: UserStateInput = { email: null, disabled: false, emailVerified: false, isAnonymous: true };
const phoneOnly: UserStateInput = { email: null, disabled: false, emailVerified: false, isAnonymous: false };

describe('V-USER (standard)', () => {
  it('passes an active, verified user', () => {
    expect(findUserStateError(active, config, 'standard')).toBeNull();
    expect(() => assertUserCanSignIn(active, config)).not.toThrow();
  });

  it.each([
    [{ email: 'jane@blocked.com' }, 'invalid-email-password'],
    [{ disabled: true }, 'disabled-user'],
    [{ emailVerified: false }, 'unverified-user'],
    [{ isAnonymous: true }, 'forbidden-anonymous'],
  ] as const)('fails %j with %s', (change, code) => {
    expect(findUserStateError({ ...active, ...change }, config, 'standard')).toBe(code);
  });

  it('reports the first failure: access control, disabled, verified, anonymous', () => {
    const everything = { email: 'jane@blocked.com', disabled: true, emailVerified: false, isAnonymous: false };
    expect(findUserStateError(everything, config, 'standard')).toBe('invalid-email-password');
    expect(findUserStateError({ ...everything, email: 'jane@example.com' }, config, 'standard')).toBe('disabled-user');
    expect(findUserStateError({ ...everything, email: 'jane@example.com', disabled: false }, config, 'standard')).toBe('unverified-user');
  });

  it('lets an unverified user through when verification is not required', () => {
    expect(findUserStateError({ ...active, emailVerified: false }, { ...config, emailVerifiedRequired: false }, 'standard')).toBeNull();
  });

  it('throws the failure as an AuthError', () => {
    expect(() => assertUserCanSignIn({ ...active, disabled: true }, config)).toThrow(AuthError);
    try {
      assertUserCanSignIn({ ...active, disabled: true }, config, 'standard');
    } catch (err) {
      expect((err as AuthError).code).toBe('disabled-user');
      expect((err as AuthError).status).toBe(401);
    }
  });

  // Deliberate difference (README "Behaviour (fix)"): the reference evaluates access control on ""
  // for users without an e-mail and refuses them with invalid-email-password everywhere.
  it('lets a user without an e-mail through (fix: the reference refuses them)', () => {
    expect(findUserStateError(phoneOnly, config, 'standard')).toBeNull();
    expect(findUserStateError(phoneOnly, { ...config, accessControl: { ...noLists, allowedDomains: ['example.com'] } }, 'standard')).toBeNull();
  });

  it('still refuses a disabled user without an e-mail', () => {
    expect(findUserStateError({ ...phoneOnly, disabled: true }, config, 'standard')).toBe('disabled-user');
  });

  it('skips access control for anonymous users and refuses them as anonymous', () => {
    expect(findUserStateError(anonymous, { ...config, emailVerifiedRequired: false }, 'standard')).toBe('forbidden-anonymous');
  });

  // Deliberate difference (README "Behaviour (fix)"): the reference answers unverified-user here.
  it('does not hold anonymous users to the e-mail-verified requirement (fix)', () => {
    expect(findUserStateError(anonymous, config, 'standard')).toBe('forbidden-anonymous');
  });
});

describe('V-USER-OPT (optional)', () => {
  it('applies the e-mail checks when the user has an e-mail', () => {
    expect(findUserStateError({ ...active, email: 'x@blocked.com' }, config, 'optional')).toBe('invalid-email-password');
    expect(findUserStateError({ ...active, emailVerified: false }, config, 'optional')).toBe('unverified-user');
  });

  it('skips them without an e-mail', () => {
    expect(findUserStateError(phoneOnly, config, 'optional')).toBeNull();
  });

  it('refuses disabled and anonymous users', () => {
    expect(findUserStateError({ ...phoneOnly, disabled: true }, config, 'optional')).toBe('disabled-user');
    expect(findUserStateError(anonymous, config, 'optional')).toBe('forbidden-anonymous');
  });
});

describe('V-USER-PHONE (phone)', () => {
  it('checks only disabled and anonymous', () => {
    expect(findUserStateError({ ...active, email: 'x@blocked.com', emailVerified: false }, config, 'phone')).toBeNull();
    expect(findUserStateError({ ...phoneOnly, disabled: true }, config, 'phone')).toBe('disabled-user');
    expect(findUserStateError(anonymous, config, 'phone')).toBe('forbidden-anonymous');
  });
});

describe('refresh', () => {
  it('ignores access control and the anonymous flag', () => {
    expect(findUserStateError({ ...active, email: 'x@blocked.com' }, config, 'refresh')).toBeNull();
    expect(findUserStateError(anonymous, config, 'refresh')).toBeNull();
  });

  // Deliberate difference (README "Security"): the reference stopped at the tolerated access-control
  // failure and refreshed a disabled user.
  it('refuses a disabled user whatever the e-mail status (fix)', () => {
    expect(findUserStateError({ ...active, email: 'x@blocked.com', disabled: true }, config, 'refresh')).toBe('disabled-user');
    expect(findUserStateError({ ...phoneOnly, disabled: true }, config, 'refresh')).toBe('disabled-user');
    expect(findUserStateError({ ...anonymous, disabled: true }, config, 'refresh')).toBe('disabled-user');
  });

  it('refuses an unverified user with an e-mail when verification is required', () => {
    expect(findUserStateError({ ...active, emailVerified: false }, config, 'refresh')).toBe('unverified-user');
  });

  it('refreshes anonymous and e-mail-less users although they never verify an address (fix for anonymous)', () => {
    expect(findUserStateError(anonymous, config, 'refresh')).toBeNull();
    expect(findUserStateError(phoneOnly, config, 'refresh')).toBeNull();
  });
});

describe('every variant', () => {
  it.each(['standard', 'optional', 'phone', 'refresh'] satisfies UserCheckVariant[])('%s passes an active, verified user', (variant) => {
    expect(findUserStateError(active, config, variant)).toBeNull();
  });
});
