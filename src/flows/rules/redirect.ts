import { AuthError } from '../../errors.js';
import { compileGlob } from './redirect-glob.js';

/**
 * V-REDIRECT (API.md §1.12.4, CONFIG.md §9): the compiled redirect allow-list. Built once at
 * start-up; `sources` keeps the glob text of each pattern for logs and tests.
 */
export interface RedirectAllowList {
  readonly patterns: readonly RegExp[];
  readonly sources: readonly string[];
}

// The reference's own expressions, searched unanchored (Go `MatchString`). `[^\n]` stands for Go's
// `.`, which stops only at a line feed.
const HAS_PORT = /https?:\/\/[^/]+(:\d+)([^\n]*)/;
const ADD_PORT = /(https?:\/\/[^/]+)([^\n]*)/g;

/**
 * Compiles `clientUrl` followed by `allowedRedirectUrls` (empty entries dropped) into glob patterns.
 * `clientUrl` is the configuration's serialised AUTH_CLIENT_URL. Throws RedirectPatternError for an
 * entry the reference would refuse at start-up.
 */
export function compileRedirectAllowList(clientUrl: string, allowedRedirectUrls: readonly string[]): RedirectAllowList {
  const sources: string[] = [];
  for (const entry of [clientUrl, ...allowedRedirectUrls.filter((u) => u !== '')]) {
    for (const glob of globsFor(entry)) if (!sources.includes(glob)) sources.push(glob);
  }
  return { patterns: sources.map(compileGlob), sources };
}

/** The one or two globs of one entry: suffix normalisation, then the default-port twin. */
export function globsFor(entry: string): string[] {
  const glob = withSubpaths(entry);
  if (HAS_PORT.test(glob)) return [glob];
  const port = glob.startsWith('https://') ? '443' : '80';
  // For a non-http(s) entry the replacement finds nothing and the twin equals the entry.
  return [glob.replace(ADD_PORT, `$1:${port}$2`), glob];
}

function withSubpaths(entry: string): string {
  if (entry.endsWith('/**')) return entry;
  if (entry.endsWith('/*')) return `${entry}*`;
  if (entry.endsWith('/')) return `${entry}**`;
  return `${entry}/**`;
}

/**
 * Whether `candidate` may be used as a redirect target. Matching sees the candidate cut at the first
 * `#` and then at the first `?`, with or without one trailing `/`; the caller keeps the full value.
 *
 * Deliberate difference (security): a candidate that a browser would read differently from the glob
 * is refused before matching; see `hasAmbiguousRedirectShape`.
 */
export function isRedirectAllowed(list: RedirectAllowList, candidate: string): boolean {
  if (hasAmbiguousRedirectShape(candidate)) return false;
  const cut = candidate.split('#')[0]?.split('?')[0] ?? '';
  return list.patterns.some((p) => p.test(cut) || p.test(`${cut}/`));
}

/**
 * Deliberate difference (security): shapes the reference lets through its globs although browsers
 * send the user elsewhere.
 * - A `\` before the query: WHATWG URL parsing reads it as `/` in http(s) URLs, so for the entry
 *   `https://*.acme.io` the glob sees `https://evil%2Ecom\.acme.io` as a subdomain while the
 *   browser goes to host `evil.com`.
 * - A leading `//` (scheme-relative, another host): reachable when a pattern is `/**`, which an
 *   empty AUTH_CLIENT_URL compiles to.
 * - ASCII control characters: browsers drop tab, CR and LF from URLs (`/\t/evil.com` becomes
 *   `//evil.com`), and none of them belongs in a Location header.
 */
export function hasAmbiguousRedirectShape(candidate: string): boolean {
  if (/[\u0000-\u001f\u007f]/.test(candidate)) return true;
  if (candidate.startsWith('//')) return true;
  return /^[^?#]*\\/.test(candidate);
}

/**
 * The redirect target of a flow: `requested` when it passes V-REDIRECT, AUTH_CLIENT_URL when absent
 * (that default is not checked). Throws `redirectTo-not-allowed`.
 */
export function resolveRedirectTo(list: RedirectAllowList, clientUrl: string, requested: string | undefined): string {
  if (requested === undefined) return clientUrl;
  if (!isRedirectAllowed(list, requested)) throw new AuthError('redirectTo-not-allowed');
  return requested;
}
