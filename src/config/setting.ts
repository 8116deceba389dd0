/**
 * The shape of one setting declaration. Every setting is declared once (settings.ts and
 * settings-providers.ts); loading, `--help` and docs/configuration.md are all derived from it.
 */

/** How the raw text of a setting is parsed (CONFIG.md §1.2). */
export type SettingType = 'boolean' | 'int' | 'uint' | 'string' | 'duration' | 'list' | 'enum' | 'json';

/** Headings under which `--help` and the generated docs list the settings, in this order. */
export const SETTING_GROUPS = [
  'Server',
  'Logging',
  'Database',
  'Hasura',
  'JWT and sessions',
  'Sign-up and users',
  'Passwords',
  'Redirects',
  'Email access control',
  'Email delivery',
  'Email templates',
  'SMS',
  'OAuth sign-in',
  'OAuth: Apple',
  'OAuth: Azure AD',
  'OAuth: Bitbucket',
  'OAuth: Discord',
  'OAuth: Entra ID',
  'OAuth: Facebook',
  'OAuth: GitHub',
  'OAuth: GitLab',
  'OAuth: Google',
  'OAuth: LinkedIn',
  'OAuth: Spotify',
  'OAuth: Strava',
  'OAuth: Twitch',
  'OAuth: Twitter',
  'OAuth: Windows Live',
  'OAuth: WorkOS',
  'ID tokens',
  'WebAuthn',
  'MFA and one-time codes',
  'Passwordless',
  'Gravatar',
  'Rate limiting',
  'Bot protection',
  'Encryption',
  'OAuth2 provider',
] as const;

export type SettingGroup = (typeof SETTING_GROUPS)[number];

interface SettingBase {
  /** Environment variable name, matched exactly. */
  readonly env: string;
  /** Further environment names read, in order, only when the earlier ones are not defined at all. */
  readonly alsoEnv?: readonly string[];
  /** Long CLI flag without the leading `--`. */
  readonly flag: string;
  readonly group: SettingGroup;
  /** One sentence for `--help` and the docs. */
  readonly description: string;
  /** Never printed: masked in the start-up log and left out of error messages. */
  readonly secret?: boolean;
  /** A Latchkey addition that Nhost Auth does not have. */
  readonly latchkey?: boolean;
  /** How the effective default is computed when it is not a fixed value (shown in the docs). */
  readonly defaultNote?: string;
  /** Nhost Auth's default, recorded where Latchkey deliberately defaults differently. */
  readonly referenceDefault?: string;
}

export type Setting = SettingBase &
  (
    | { readonly type: 'boolean'; readonly default: boolean }
    | { readonly type: 'int' | 'uint'; readonly default: number }
    | { readonly type: 'string'; readonly default: string }
    /** Default in Go duration syntax, e.g. `5m`. */
    | { readonly type: 'duration'; readonly default: string }
    | { readonly type: 'list'; readonly default: readonly string[] }
    | { readonly type: 'enum'; readonly default: string; readonly values: readonly string[] }
    /** Default is the raw JSON text; `''` means not set. */
    | { readonly type: 'json'; readonly default: string }
  );
