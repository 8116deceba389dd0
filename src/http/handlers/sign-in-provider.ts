import { AuthError } from '../../errors.js';
import { startProviderSignIn } from '../../flows/oauth-sign-in.js';
import type { SignUpOptionsInput } from '../../flows/rules/sign-up-options.js';
import type { Handler } from '../handler.js';
import { oauthRedirect } from './oauth-redirect.js';

/** `metadata` arrives as URL-encoded JSON text; anything but an object is a bad request. */
function parseMetadata(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AuthError('invalid-request', { cause: err });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new AuthError('invalid-request');
  return value as Record<string, unknown>;
}

export const signInProvider: Handler<'signInProvider'> = async (deps, { query, params }) => {
  const options: SignUpOptionsInput = {};
  // Form style, not exploded: `allowedRoles=me,user` (API.md §3.9.1).
  if (query.allowedRoles !== undefined) options.allowedRoles = query.allowedRoles.split(',');
  if (query.defaultRole !== undefined) options.defaultRole = query.defaultRole;
  if (query.displayName !== undefined) options.displayName = query.displayName;
  if (query.locale !== undefined) options.locale = query.locale;
  const metadata = parseMetadata(query.metadata);
  if (metadata !== undefined) options.metadata = metadata;
  if (query.redirectTo !== undefined) options.redirectTo = query.redirectTo;
  const specificParams: Record<string, string> = {};
  if (query.connection !== undefined) specificParams['connection'] = query.connection;
  if (query.organization !== undefined) specificParams['organization'] = query.organization;
  const result = await startProviderSignIn(deps, {
    provider: params.provider,
    options,
    connect: query.connect,
    clientState: query.state,
    codeChallenge: query.codeChallenge,
    specificParams,
  });
  return oauthRedirect(deps, result);
};
