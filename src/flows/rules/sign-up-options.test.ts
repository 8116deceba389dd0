import { describe, expect, it } from 'vitest';
import { AuthError, type ErrorCode } from '../../errors.js';
import { compileRedirectAllowList } from './redirect.js';
import { resolveLocale, validateSignUpOptions, type SignUpOptionsConfig, type SignUpOptionsInput } from './sign-up-options.js';

const config: SignUpOptionsConfig = {
  clientUrl: 'http://localhost:3000',
  redirectAllowList: compileRedirectAllowList('http://localhost:3000', ['https://app.example.com']),
  defaultRole: 'user',
  defaultAllowedRoles: ['me', 'user', 'editor'],
  localeDefault: 'en',
  allowedLocales: ['en', 'fr', 'es'],
};

function validate(input: SignUpOptionsInput | undefined, overrides: Partial<SignUpOptionsConfig> = {}) {
  return validateSignUpOptions(input, { defaultDisplayName: 'jane@example.com', config: { ...config, ...overrides } });
}

function errorOf(fn: () => unknown): ErrorCode | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof AuthError) return err.code;
    throw err;
  }
  return undefined;
}

describe('validateSignUpOptions (V-OPTIONS)', () => {
  it('applies every default when the options are absent', () => {
    expect(validate(undefined)).toEqual({
      redirectTo: 'http://localhost:3000',
      defaultRole: 'user',
      allowedRoles: ['me', 'user', 'editor'],
      displayName: 'jane@example.com',
      locale: 'en',
      metadata: null,
    });
  });

  it('treats an empty object like absent options', () => {
    expect(validate({})).toEqual(validate(undefined));
  });

  it('keeps valid values', () => {
    expect(
      validate({
        redirectTo: 'https://app.example.com/welcome?x=1',
        defaultRole: 'editor',
        allowedRoles: ['editor', 'me'],
        displayName: 'Jane',
        locale: 'fr',
        metadata: { plan: 'pro', nested: { a: [1] } },
      }),
    ).toEqual({
      redirectTo: 'https://app.example.com/welcome?x=1',
      defaultRole: 'editor',
      allowedRoles: ['editor', 'me'],
      displayName: 'Jane',
      locale: 'fr',
      metadata: { plan: 'pro', nested: { a: [1] } },
    });
  });

  it('does not check the default redirect', () => {
    expect(validate(undefined, { clientUrl: 'http://elsewhere' }).redirectTo).toBe('http://elsewhere');
  });

  it('refuses a redirect off the allow-list', () => {
    expect(errorOf(() => validate({ redirectTo: 'https://evil.com' }))).toBe('redirectTo-not-allowed');
  });

  it('refuses a role outside the configured allowed roles', () => {
    expect(errorOf(() => validate({ allowedRoles: ['me', 'admin'] }))).toBe('role-not-allowed');
  });

  it('refuses a default role outside the effective allowed roles', () => {
    expect(errorOf(() => validate({ defaultRole: 'admin' }))).toBe('default-role-must-be-in-allowed-roles');
    expect(errorOf(() => validate({ defaultRole: 'editor', allowedRoles: ['me'] }))).toBe('default-role-must-be-in-allowed-roles');
    expect(errorOf(() => validate({ allowedRoles: ['me'] }))).toBe('default-role-must-be-in-allowed-roles');
  });

  it('always refuses an explicit empty role list', () => {
    expect(errorOf(() => validate({ allowedRoles: [] }))).toBe('default-role-must-be-in-allowed-roles');
  });

  it('checks in the reference order: redirect, roles, default role', () => {
    const allWrong = { redirectTo: 'https://evil.com', allowedRoles: ['admin'], defaultRole: 'root' };
    expect(errorOf(() => validate(allWrong))).toBe('redirectTo-not-allowed');
    expect(errorOf(() => validate({ ...allWrong, redirectTo: undefined }))).toBe('role-not-allowed');
    expect(errorOf(() => validate({ defaultRole: 'root', allowedRoles: ['me'] }))).toBe('default-role-must-be-in-allowed-roles');
  });

  it('counts the configured default role as allowed even when the list lacks it', () => {
    const options = validate({ allowedRoles: ['user'] }, { defaultAllowedRoles: ['me'] });
    expect(options.allowedRoles).toEqual(['user']);
    expect(validate(undefined, { defaultAllowedRoles: ['me'] }).allowedRoles).toEqual(['me', 'user']);
  });

  it('compares roles case-sensitively', () => {
    expect(errorOf(() => validate({ allowedRoles: ['User'] }))).toBe('role-not-allowed');
  });

  it('stores a repeated role once', () => {
    expect(validate({ allowedRoles: ['me', 'user', 'me'] }).allowedRoles).toEqual(['me', 'user']);
  });

  it('replaces a locale that is not allowed by the default, without an error', () => {
    expect(validate({ locale: 'de' }).locale).toBe('en');
    expect(validate({ locale: 'es' }).locale).toBe('es');
  });

  it('does not check the display name (the schema does)', () => {
    expect(validate({ displayName: 'J' }).displayName).toBe('J');
  });

  it('returns its own role list, not the configured one', () => {
    const roles = ['me', 'user'];
    const options = validate(undefined, { defaultAllowedRoles: roles });
    options.allowedRoles.push('x');
    expect(roles).toEqual(['me', 'user']);
  });
});

describe('resolveLocale', () => {
  it.each<[string | undefined, string, string]>([
    [undefined, 'en', 'absent → the default'],
    ['fr', 'fr', 'allowed'],
    ['de', 'en', 'not allowed → the default'],
    ['FR', 'en', 'case-sensitive'],
    ['', 'en', 'empty'],
  ])('%j → %s (%s)', (requested, expected) => {
    expect(resolveLocale(requested, ['en', 'fr'], 'en')).toBe(expected);
  });

  it('always allows the default locale', () => {
    expect(resolveLocale('pt', ['en'], 'pt')).toBe('pt');
  });
});
