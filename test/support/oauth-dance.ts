/**
 * Drives the OAuth redirect dance with fetch, as a browser would: start at our
 * `/signin/provider/{p}`, follow to the provider's authorization page, back to our callback, and
 * stop at the final redirect. Cookies are kept per "browser" (`CookieJar`), so tests can replay a
 * callback from another browser. Each step is exported for tests that tamper in between.
 */
import type { TestApp } from './app.js';

/** A minimal cookie jar: name → value, honouring Max-Age=0 deletions. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const isDeletion = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (isDeletion) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1).trim());
    }
  }

  header(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  }
}

async function get(url: string, jar: CookieJar | null): Promise<Response> {
  const response = await fetch(url, { redirect: 'manual', headers: jar?.header() ?? {} });
  jar?.store(response);
  await response.body?.cancel();
  return response;
}

function locationOf(response: Response): URL {
  const location = response.headers.get('location');
  if (![302, 303].includes(response.status) || !location) throw new Error(`expected a redirect, got ${response.status}`);
  return new URL(location, response.url || 'http://relative.invalid');
}

/** Step 1: our start URL → the provider's authorization URL (or an error redirect). */
export async function startSignIn(t: TestApp, provider: string, query: Record<string, string> = {}, jar = new CookieJar()): Promise<{ location: URL; jar: CookieJar; response: Response }> {
  const qs = new URLSearchParams(query).toString();
  const response = await get(`${t.baseUrl}/signin/provider/${provider}${qs ? `?${qs}` : ''}`, jar);
  return { location: locationOf(response), jar, response };
}

/**
 * Step 2: the provider's pages → our callback URL (on the test app's real port). Redirects within
 * the provider (a real OpenID provider's login and consent steps) are followed with the
 * provider's own cookies.
 */
export async function authorizeAtProvider(t: TestApp, authorizationUrl: URL): Promise<URL> {
  const providerJar = new CookieJar();
  let back = locationOf(await get(authorizationUrl.toString(), providerJar));
  for (let hops = 0; back.origin === authorizationUrl.origin && hops < 10; hops += 1) {
    back = locationOf(await get(back.toString(), providerJar));
  }
  // AUTH_SERVER_URL is fixed in the test settings; the app listens on a random port.
  return new URL(`${back.pathname}${back.search}`, t.origin);
}

/** Step 3: our callback with the browser's cookies → the final redirect. */
export async function completeCallback(callbackUrl: URL, jar: CookieJar | null): Promise<URL> {
  return locationOf(await get(callbackUrl.toString(), jar));
}

/** The whole dance; returns the final redirect and the browser's jar. */
export async function signInWithProvider(t: TestApp, provider: string, query: Record<string, string> = {}, jar = new CookieJar()): Promise<{ final: URL; jar: CookieJar; authorizationUrl: URL; callbackUrl: URL }> {
  const start = await startSignIn(t, provider, query, jar);
  const callbackUrl = await authorizeAtProvider(t, start.location);
  const final = await completeCallback(callbackUrl, jar);
  return { final, jar, authorizationUrl: start.location, callbackUrl };
}
