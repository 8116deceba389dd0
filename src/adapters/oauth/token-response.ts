/**
 * Mending token responses that are valid for their provider but not for RFC 6749 §5.1, which
 * oauth4webapi enforces (e.g. Twitch sends `scope` as a JSON array). A provider file wraps its
 * fix into the fetch its token requests use (`OAuth2Spec.tokenFetch`); error answers and
 * non-JSON bodies pass through untouched.
 */

/** The fetch oauth4webapi calls for the token endpoint. */
export type TokenFetch = (url: string, init: RequestInit) => Promise<Response>;

/** A fetch that rewrites a successful JSON token response with `fix`. */
export function mendingTokenFetch(fix: (body: Record<string, unknown>) => Record<string, unknown>): TokenFetch {
  return async (url, init) => {
    const response = await fetch(url, init);
    const isJson = (response.headers.get('content-type') ?? '').includes('json');
    if (response.status !== 200 || !isJson) return response;
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return new Response(text, { status: response.status, headers: response.headers });
    }
    const mended = body !== null && typeof body === 'object' && !Array.isArray(body) ? fix(body as Record<string, unknown>) : body;
    return new Response(JSON.stringify(mended), { status: response.status, headers: { 'content-type': 'application/json' } });
  };
}

/** `scope` as the space-separated string of RFC 6749 §3.3, whatever list shape the provider used. */
export function scopeAsString(body: Record<string, unknown>): Record<string, unknown> {
  const scope = body['scope'];
  return Array.isArray(scope) ? { ...body, scope: scope.filter((s) => typeof s === 'string').join(' ') } : body;
}

/** `token_type` defaulted to `bearer` for providers that leave it out. */
export function bearerByDefault(body: Record<string, unknown>): Record<string, unknown> {
  return body['token_type'] === undefined ? { ...body, token_type: 'bearer' } : body;
}
