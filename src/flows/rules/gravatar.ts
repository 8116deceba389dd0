import { createHash } from 'node:crypto';

/** AUTH_GRAVATAR_ENABLED, AUTH_GRAVATAR_DEFAULT (`d=`) and AUTH_GRAVATAR_RATING (`r=`). */
export interface GravatarOptions {
  readonly enabled: boolean;
  readonly defaultImage: string;
  readonly rating: string;
}

/**
 * The avatar URL of a new user (API.md §1.12.7): the Gravatar URL of the lower-cased address, or ""
 * when Gravatar is off. An empty address still yields a URL (the reference does so for phone-only
 * sign-ups).
 */
export function gravatarUrl(email: string, options: GravatarOptions): string {
  if (!options.enabled) return '';
  const hash = createHash('md5').update(toLowerLikeGo(email), 'utf8').digest('hex');
  return `https://www.gravatar.com/avatar/${hash}?d=${encodeURIComponent(options.defaultImage)}&r=${encodeURIComponent(options.rating)}`;
}

/**
 * Go's `strings.ToLower`: the simple per-code-point mapping. JavaScript's `toLowerCase` applies the
 * full mapping instead, which differs for U+0130 (Go gives `i`, JavaScript `i̇`) and for a final
 * capital sigma (Go gives `σ`, JavaScript `ς`); either would change the hash.
 */
function toLowerLikeGo(s: string): string {
  let out = '';
  for (const c of s) out += c === '\u0130' ? 'i' : c.toLowerCase();
  return out;
}
