import { describe, expect, it } from 'vitest';
import { evaluateJsonPath, JsonPathError, parseJsonPath } from './json-path.js';

const data = {
  profile: {
    org: { id: 'org-1' },
    projects: [
      { id: 7, kind: 'a', score: 1.5 },
      { id: 9, kind: 'b', score: 3 },
      { id: 11, kind: 'a', score: 5 },
    ],
    tags: ['x', 'y'],
    empty: [],
    nothing: null,
  },
};

const run = (path: string, value: unknown = data) => evaluateJsonPath(parseJsonPath(path), value);

describe('client-go JSONPath subset', () => {
  it('walks fields', () => {
    expect(run('.profile.org.id')).toEqual(['org-1']);
    expect(run('.profile.nothing')).toEqual([null]);
  });

  it('indexes arrays, negative indexes counting from the end', () => {
    expect(run('.profile.projects[0].id')).toEqual([7]);
    expect(run('.profile.projects[-1].id')).toEqual([11]);
    expect(run('.profile.tags[1]')).toEqual(['y']);
  });

  it('slices with start, end and step', () => {
    expect(run('.profile.projects[0:2].id')).toEqual([7, 9]);
    expect(run('.profile.projects[1:].id')).toEqual([9, 11]);
    expect(run('.profile.projects[::2].id')).toEqual([7, 11]);
    expect(run('.profile.projects[0:0].id')).toEqual([]);
  });

  it('selects every element with [*], and nothing (without error) from an empty array', () => {
    expect(run('.profile.projects[*].id')).toEqual([7, 9, 11]);
    expect(run('.profile.empty[*].id')).toEqual([]);
  });

  it('filters by comparison with string and number literals', () => {
    expect(run(".profile.projects[?(@.kind == 'a')].id")).toEqual([7, 11]);
    expect(run(".profile.projects[?(@.kind != 'a')].id")).toEqual([9]);
    expect(run('.profile.projects[?(@.score >= 3)].id')).toEqual([9, 11]);
    expect(run('.profile.projects[?(@.score < 3)].id')).toEqual([7]);
    expect(run('.profile.projects[?(@.id)].id')).toEqual([7, 9, 11]);
  });

  it('reads fields by quoted name and descends recursively', () => {
    expect(run(".profile['org'].id")).toEqual(['org-1']);
    expect(run('..id')).toEqual(['org-1', 7, 9, 11]);
  });

  it('fails where client-go fails: missing member, member of an array, index out of range, index of an object', () => {
    expect(() => run('.profile.missing')).toThrow(JsonPathError);
    expect(() => run('.profile.projects.id')).toThrow(JsonPathError);
    expect(() => run('.profile.projects[3]')).toThrow(JsonPathError);
    expect(() => run('.profile.empty[0]')).toThrow(JsonPathError);
    expect(() => run('.profile.org[0]')).toThrow(JsonPathError);
    expect(() => run('.profile.nothing.id')).toThrow(JsonPathError);
    expect(() => run(".profile.projects[?(@.id == 'seven')]")).toThrow(JsonPathError);
  });

  it('refuses unparsable paths', () => {
    for (const bad of ['.a[', '.a[x]', '.', 'a', '.a[?(@.b == c)]']) {
      expect(() => parseJsonPath(bad), bad).toThrow(JsonPathError);
    }
  });
});
