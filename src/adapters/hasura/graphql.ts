/**
 * Queries Hasura's GraphQL endpoint with the admin secret, as the reference does for custom claims
 * (TOKENS.md §4.3): `POST HASURA_GRAPHQL_GRAPHQL_URL` with `X-Hasura-Admin-Secret`, a JSON body
 * `{query, variables}`, and a bounded wait (the reference has none).
 */

/** Any failure of a query: unreachable, timed out, non-200, not JSON, or GraphQL errors. */
export class HasuraQueryError extends Error {
  override name = 'HasuraQueryError';
}

export interface HasuraGraphql {
  /** The `data` member of the answer; throws HasuraQueryError. */
  query(text: string, variables: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>>;
}

export interface HasuraGraphqlOptions {
  readonly url: string;
  readonly adminSecret: string;
  readonly timeoutMs: number;
  /** Injected by unit tests; the global fetch otherwise. */
  readonly fetch?: typeof fetch;
}

/** At most this much of an unexpected answer goes into the error (and so the log). */
const EXCERPT_LENGTH = 300;

export function createHasuraGraphql(options: HasuraGraphqlOptions): HasuraGraphql {
  const doFetch = options.fetch ?? fetch;
  return {
    async query(text, variables) {
      let response: Response;
      let body: string;
      try {
        response = await doFetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', 'x-hasura-admin-secret': options.adminSecret },
          body: JSON.stringify({ query: text, variables }),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        body = await response.text(); // fetch undoes a gzip Content-Encoding itself
      } catch (cause) {
        const reason = cause instanceof Error && cause.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : 'request failed';
        throw new HasuraQueryError(`Hasura GraphQL ${reason}`, { cause });
      }
      if (response.status !== 200) throw new HasuraQueryError(`Hasura GraphQL answered ${response.status}: ${excerpt(body)}`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch (cause) {
        throw new HasuraQueryError(`Hasura GraphQL answered something other than JSON: ${excerpt(body)}`, { cause });
      }
      if (!isObject(parsed)) throw new HasuraQueryError(`Hasura GraphQL answered an unexpected shape: ${excerpt(body)}`);
      if (Array.isArray(parsed['errors']) && parsed['errors'].length > 0) {
        throw new HasuraQueryError(`Hasura GraphQL answered errors: ${excerpt(JSON.stringify(parsed['errors']))}`);
      }
      const data = parsed['data'];
      if (!isObject(data)) throw new HasuraQueryError(`Hasura GraphQL answered no data: ${excerpt(body)}`);
      return data;
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function excerpt(text: string): string {
  return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}…` : text;
}
