const RELATIVE_BASE = 'http://relative.invalid';

/**
 * `target` with the parameters set on its query (replacing same-named ones, keeping the rest and
 * the fragment), keys sorted as the reference emits them (API.md §1.10). A relative target (allowed
 * when AUTH_CLIENT_URL is empty) stays relative. Always a fresh URL object: the reference mutated
 * its shared copy of AUTH_CLIENT_URL.
 */
export function withQueryParams(target: string, params: Readonly<Record<string, string>>): string {
  const isAbsolute = URL.canParse(target);
  const url = new URL(target, RELATIVE_BASE);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  url.searchParams.sort();
  return isAbsolute ? url.toString() : `${url.pathname}${url.search}${url.hash}`;
}
