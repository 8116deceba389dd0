import type { HasuraGraphql } from '../adapters/hasura/graphql.js';
import type { FlowDeps } from './deps.js';
import { resolveCustomClaims, type ClaimsPlan } from './rules/custom-claims.js';

/** AUTH_JWT_CUSTOM_CLAIMS at work: the planned query, the defaults, and Hasura to ask. */
export interface CustomClaimsSource {
  readonly plan: ClaimsPlan;
  readonly defaults: Readonly<Record<string, unknown>>;
  readonly hasura: HasuraGraphql;
}

/**
 * The custom claims of a new access token (TOKENS.md §4.3): Hasura is asked for the user at every
 * mint. Issuing a token never fails because of them: when the query fails (unreachable, timeout,
 * non-200, GraphQL errors, no such user) the failure is logged and the defaults apply (the
 * reference drops every custom claim then; docs/compat.md).
 */
export async function fetchCustomClaims(deps: FlowDeps, userId: string): Promise<Record<string, unknown> | undefined> {
  const source = deps.customClaims;
  if (source === undefined) return undefined;
  let user: unknown = null;
  try {
    const data = await source.hasura.query(source.plan.query, { id: userId });
    user = data['user'];
    if (typeof user !== 'object' || user === null || Array.isArray(user)) throw new Error('Hasura answered no user object for this id');
  } catch (err) {
    user = null;
    deps.log.error({ err, userId }, 'custom claims: the Hasura query failed; the access token carries only the configured defaults');
  }
  return resolveCustomClaims(source.plan, user, source.defaults);
}
