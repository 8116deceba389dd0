import { describe, expect, it } from 'vitest';
import { CustomClaimPathError, planCustomClaims, resolveCustomClaims, splitClaimPath } from './custom-claims.js';

// The worked example of TOKENS.md §4.2 and §4.4.
const EXAMPLE = {
  'org-id': 'profile.org.id',
  'project-ids': 'profile.projects[].id',
  'first-project': 'profile.projects[0].id',
  plan: 'metadata.plan',
};
const USER = { metadata: { plan: 'pro' }, profile: { org: { id: '9e0' }, projects: [{ id: 7 }, { id: 9 }] } };

describe('planCustomClaims: the GraphQL query', () => {
  it('selects every field the paths read, sorted, with metadata as a leaf', () => {
    expect(planCustomClaims(EXAMPLE).query).toBe('query GetClaims($id: uuid!) { user(id:$id) {metadata profile{org{id }projects{id }}} }');
  });

  it('selects the fields a filter compares beside the path’s own', () => {
    expect(planCustomClaims({ a: "m.d[?(@.v == 'a')].id" }).query).toBe('query GetClaims($id: uuid!) { user(id:$id) {m{d{id v }}} }');
  });

  it('turns a field that is a leaf in one path and an object in another into an object', () => {
    expect(planCustomClaims({ a: 'roles', b: 'roles.role' }).query).toBe('query GetClaims($id: uuid!) { user(id:$id) {roles{role }} }');
    expect(planCustomClaims({ b: 'roles.role', a: 'roles' }).query).toBe('query GetClaims($id: uuid!) { user(id:$id) {roles{role }} }');
  });

  it('splits only on dots outside brackets', () => {
    expect(splitClaimPath("m.d[?(@.v == 'a')].id")).toEqual(['m', "d[?(@.v == 'a')]", 'id']);
  });

  it('refuses a path it cannot parse, naming the claim', () => {
    expect(() => planCustomClaims({ broken: 'profile.projects[' })).toThrow(CustomClaimPathError);
    expect(() => planCustomClaims({ broken: 'profile..id' })).toThrow(/"broken"/);
    expect(() => planCustomClaims({ broken: '' })).toThrow(CustomClaimPathError);
  });
});

describe('resolveCustomClaims', () => {
  const plan = planCustomClaims(EXAMPLE);

  it('reads each claim from the user (TOKENS.md §4.4 worked example)', () => {
    expect(resolveCustomClaims(plan, USER, {})).toEqual({ 'org-id': '9e0', 'project-ids': [7, 9], 'first-project': 7, plan: 'pro' });
  });

  it('gives an empty array for an array path over nothing, and leaves out a missing value', () => {
    const user = { ...USER, profile: { ...USER.profile, projects: [] } };
    // The reference writes "null" for first-project; we leave the claim out.
    expect(resolveCustomClaims(plan, user, {})).toEqual({ 'org-id': '9e0', 'project-ids': [], plan: 'pro' });
  });

  it('uses the default when the path finds nothing or null, and leaves out a null default', () => {
    const user = { metadata: { plan: null }, profile: { org: { id: '9e0' }, projects: [] } };
    expect(resolveCustomClaims(plan, user, { 'first-project': 0, plan: null })).toEqual({ 'org-id': '9e0', 'project-ids': [], 'first-project': 0 });
  });

  it('gives every claim its default when the query failed', () => {
    expect(resolveCustomClaims(plan, null, { plan: 'free', 'org-id': ['a', 'b'], unrelated: 'x' })).toEqual({ plan: 'free', 'org-id': ['a', 'b'] });
  });

  it('walks legacy paths ending in [] element by element', () => {
    const legacy = planCustomClaims({ ids: 'profile.projects.id[]', tags: 'profile.tags[]', gone: 'profile.missing.id[]' });
    const user = { profile: { projects: [{ id: 1 }, { id: 2 }, { name: 'x' }], tags: ['a', 'b'] } };
    expect(resolveCustomClaims(legacy, user, {})).toEqual({ ids: [1, 2, null], tags: ['a', 'b'] });
  });

  it('filters with JSONPath', () => {
    const filtered = planCustomClaims({ admin: "roles[?(@.role == 'admin')].role", first: 'roles[0].role' });
    expect(resolveCustomClaims(filtered, { roles: [{ role: 'user' }, { role: 'admin' }] }, {})).toEqual({ admin: ['admin'], first: 'user' });
  });
});
