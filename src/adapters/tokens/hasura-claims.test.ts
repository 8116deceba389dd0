import { describe, expect, it } from 'vitest';
import { buildHasuraClaims, encodeClaimValue, normalizeClaimName } from './hasura-claims.js';

const USER_ID = '6c1f0b5e-2d7a-4c39-9a58-0e4b7d2f91aa';
const base = { userId: USER_ID, defaultRole: 'user', allowedRoles: ['me', 'user'], isAnonymous: false };

describe('encodeClaimValue', () => {
  it.each([
    ['a string as it is', 'pro', 'pro'],
    ['null as the word null', null, 'null'],
    ['a missing value as the word null', undefined, 'null'],
    ['a string array as a PostgreSQL array literal', ['a', 'b'], '{"a","b"}'],
    ['a number array', [1, 2], '{1,2}'],
    ['an empty array', [], '{}'],
    ['a one-element array', ['a'], '{"a"}'],
    ['nested arrays only at the outer level', [[1], [2]], '{[1],[2]}'],
    ['an array of objects', [{ k: 1 }], '{{"k":1}}'],
    ['an integral number', 123, '123'],
    ['a fractional number', 123.456, '123.456'],
    ['a huge number in exponent form', 1e21, '1e+21'],
    ['a tiny number in exponent form', 1e-7, '1e-7'],
    ['true', true, 'true'],
    ['false', false, 'false'],
    ['an object with sorted keys', { k2: 'v2', k1: 'v1' }, '{"k1":"v1","k2":"v2"}'],
    ['HTML characters inside arrays escaped as Go does', ['<&>'], '{"\\u003c\\u0026\\u003e"}'],
  ])('encodes %s', (_title, value, expected) => {
    expect(encodeClaimValue(value)).toBe(expected);
  });
});

describe('normalizeClaimName', () => {
  it.each([
    ['org-id', 'x-hasura-org-id'],
    ['OrgId', 'x-hasura-orgid'],
    ['X-Hasura-Org-Id', 'X-Hasura-Org-Id'],
    ['user-id', 'x-hasura-user-id'],
  ])('maps %s to %s', (name, key) => {
    expect(normalizeClaimName(name)).toBe(key);
  });
});

describe('buildHasuraClaims', () => {
  it('starts with the four standard claims, allowed roles as an array', () => {
    expect(buildHasuraClaims(base)).toEqual({
      'x-hasura-allowed-roles': ['me', 'user'],
      'x-hasura-default-role': 'user',
      'x-hasura-user-id': USER_ID,
      'x-hasura-user-is-anonymous': 'false',
    });
    expect(buildHasuraClaims({ ...base, isAnonymous: true })['x-hasura-user-is-anonymous']).toBe('true');
  });

  it('adds custom claims prefixed and encoded (the worked example of TOKENS.md §4.4)', () => {
    const claims = buildHasuraClaims({
      ...base,
      customClaims: { 'org-id': '9e0', 'project-ids': [7, 9], 'first-project': 7, plan: 'pro', missing: null },
    });
    expect(claims).toMatchObject({
      'x-hasura-org-id': '9e0',
      'x-hasura-project-ids': '{7,9}',
      'x-hasura-first-project': '7',
      'x-hasura-plan': 'pro',
      'x-hasura-missing': 'null',
    });
  });

  it('never lets a custom claim overwrite a standard claim, whatever its case', () => {
    const dropped: string[] = [];
    const claims = buildHasuraClaims({
      ...base,
      customClaims: { 'user-id': 'evil', 'X-Hasura-User-Id': 'evil', 'X-HASURA-DEFAULT-ROLE': 'admin', ok: 'yes' },
      onDroppedClaim: (name) => dropped.push(name),
    });
    expect(claims['x-hasura-user-id']).toBe(USER_ID);
    expect(claims['x-hasura-default-role']).toBe('user');
    expect(Object.keys(claims)).not.toContain('X-Hasura-User-Id');
    expect(claims['x-hasura-ok']).toBe('yes');
    expect(dropped).toEqual(['user-id', 'X-Hasura-User-Id', 'X-HASURA-DEFAULT-ROLE']);
  });

  it('never lets a custom claim forge the elevated claim', () => {
    const claims = buildHasuraClaims({ ...base, customClaims: { 'auth-elevated': USER_ID } });
    expect(claims).not.toHaveProperty('x-hasura-auth-elevated');
  });

  it('lets extra claims overwrite', () => {
    const claims = buildHasuraClaims({
      ...base,
      customClaims: { plan: 'free' },
      extraClaims: { 'x-hasura-auth-elevated': USER_ID, plan: 'pro' },
    });
    expect(claims['x-hasura-auth-elevated']).toBe(USER_ID);
    expect(claims['x-hasura-plan']).toBe('pro');
  });
});
