import { describe, expect, it } from 'vitest';
import { createHasuraGraphql, HasuraQueryError } from './graphql.js';

/** A fetch that answers `answer`, or never answers (until aborted) when it is undefined. */
function fakeFetch(answer?: { status: number; body: string }, seen: RequestInit[] = []): typeof fetch {
  return (async (_url: string | URL | Request, init?: RequestInit) => {
    seen.push(init!);
    if (answer) return new Response(answer.body, { status: answer.status });
    return new Promise<Response>((_resolve, reject) => {
      init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason));
    });
  }) as typeof fetch;
}

const client = (fetcher: typeof fetch, timeoutMs = 1000) => createHasuraGraphql({ url: 'http://hasura.test/v1/graphql', adminSecret: 's3cret', timeoutMs, fetch: fetcher });

describe('createHasuraGraphql', () => {
  it('posts the query with the admin secret and returns data', async () => {
    const seen: RequestInit[] = [];
    const data = await client(fakeFetch({ status: 200, body: '{"data":{"user":{"id":"u"}}}' }, seen)).query('query Q { x }', { id: 'u' });
    expect(data).toEqual({ user: { id: 'u' } });
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.headers).toMatchObject({ 'x-hasura-admin-secret': 's3cret', 'content-type': 'application/json', accept: 'application/json' });
    expect(JSON.parse(seen[0]!.body as string)).toEqual({ query: 'query Q { x }', variables: { id: 'u' } });
  });

  it('gives up after the timeout', async () => {
    await expect(client(fakeFetch(undefined), 20).query('q', {})).rejects.toThrow(/no answer within 20 ms/);
  });

  it('fails on non-200, non-JSON, GraphQL errors and a missing data member', async () => {
    for (const answer of [
      { status: 500, body: 'oops' },
      { status: 200, body: 'not json' },
      { status: 200, body: '{"errors":[{"message":"bad field"}]}' },
      { status: 200, body: '{"data":null}' },
      { status: 200, body: '[]' },
    ]) {
      await expect(client(fakeFetch(answer)).query('q', {}), answer.body).rejects.toBeInstanceOf(HasuraQueryError);
    }
  });
});
