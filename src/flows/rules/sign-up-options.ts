import { AuthError } from '../../errors.js';
import { resolveRedirectTo, type RedirectAllowList } from './redirect.js';

/** The request's `options` object (API.md §2.6), after the schema stage. */
export interface SignUpOptionsInput {
  allowedRoles?: string[] | undefined;
  defaultRole?: string | undefined;
  displayName?: string | undefined;
  locale?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
  redirectTo?: string | undefined;
}

/** The options a sign-up uses, every default applied. */
export interface ValidatedSignUpOptions {
  redirectTo: string;
  defaultRole: string;
  allowedRoles: string[];
  displayName: string;
  locale: string;
  /** `null` when the request has none: stored as JSON null. */
  metadata: Record<string, unknown> | null;
}

/** The configuration slice V-OPTIONS reads. */
export interface SignUpOptionsConfig {
  /** AUTH_CLIENT_URL, the unchecked default `redirectTo`. */
  clientUrl: string;
  redirectAllowList: RedirectAllowList;
  /** AUTH_USER_DEFAULT_ROLE. */
  defaultRole: string;
  /** AUTH_USER_DEFAULT_ALLOWED_ROLES; the default role counts as a member even if missing. */
  defaultAllowedRoles: readonly string[];
  /** AUTH_LOCALE_DEFAULT. */
  localeDefault: string;
  /** AUTH_LOCALE_ALLOWED_LOCALES; the default locale counts as a member even if missing. */
  allowedLocales: readonly string[];
}

/**
 * V-OPTIONS (API.md §1.12.5): applies the defaults and checks, in the reference's order
 * (`redirectTo`, roles, default role in allowed roles, display name, locale, metadata); the first
 * failure throws `redirectTo-not-allowed`, `role-not-allowed` or
 * `default-role-must-be-in-allowed-roles`. An unknown locale is replaced silently.
 */
export function validateSignUpOptions(
  input: SignUpOptionsInput | undefined,
  ctx: { defaultDisplayName: string; config: SignUpOptionsConfig },
): ValidatedSignUpOptions {
  const options = input ?? {};
  const { config } = ctx;
  const redirectTo = resolveRedirectTo(config.redirectAllowList, config.clientUrl, options.redirectTo);
  const defaultRole = options.defaultRole ?? config.defaultRole;
  const configuredRoles = withMember(config.defaultAllowedRoles, config.defaultRole);
  const allowedRoles = options.allowedRoles ?? configuredRoles;
  if (!allowedRoles.every((role) => configuredRoles.includes(role))) throw new AuthError('role-not-allowed');
  // An explicit empty list always fails here.
  if (!allowedRoles.includes(defaultRole)) throw new AuthError('default-role-must-be-in-allowed-roles');
  return {
    redirectTo,
    defaultRole,
    // One auth.user_roles row per role: a repeated role would only break the insert.
    allowedRoles: [...new Set(allowedRoles)],
    displayName: options.displayName ?? ctx.defaultDisplayName,
    locale: resolveLocale(options.locale, config.allowedLocales, config.localeDefault),
    metadata: options.metadata ?? null,
  };
}

/**
 * The locale to store: `requested` when allowed (the fallback always is), otherwise the fallback
 * (AUTH_LOCALE_DEFAULT). A disallowed locale is replaced silently; `locale-not-allowed` is never
 * raised, as in the reference.
 */
export function resolveLocale(requested: string | undefined, allowed: readonly string[], fallback: string): string {
  if (requested === undefined) return fallback;
  return requested === fallback || allowed.includes(requested) ? requested : fallback;
}

function withMember(list: readonly string[], member: string): string[] {
  return list.includes(member) ? [...list] : [...list, member];
}
