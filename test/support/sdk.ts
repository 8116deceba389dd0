import { createHash } from 'node:crypto';
import { createClient, type NhostClient } from '@nhost/nhost-js';
import { FetchError, type FetchResponse } from '@nhost/nhost-js/fetch';
import { MemoryStorage } from '@nhost/nhost-js/session';
import { expect } from 'vitest';
import type { ApiResponse } from './app.js';

/** One HTTP request as the SDK finally sent it (after its own middleware) and its status. */
export interface SdkCall {
  method: string;
  /** Path below the server root, e.g. `/v1/token`. */
  path: string;
  authorization: string | null;
  contentType: string | null;
  body: unknown;
  status: number;
}

// The SDK's declaration files use extension-less relative imports, which NodeNext resolution
// cannot follow, so its types arrive as `any` here; the shapes the helpers rely on are spelled out.
type FetchFunction = (url: string, options?: RequestInit) => Promise<Response>;
type ChainFunction = (next: FetchFunction) => FetchFunction;

export interface SdkHarness {
  nhost: NhostClient;
  /** Every request the SDK's auth client sent, in order. */
  calls: SdkCall[];
}

/**
 * The official client as an application uses it (`createClient`: refresh, session capture and
 * bearer middleware), with in-memory session storage, pointed at `authUrl` (the app's baseUrl,
 * which must end in `/v1` for the SDK's refresh middleware). A recorder sits innermost in the
 * chain, so `calls` shows the requests exactly as they leave the SDK.
 */
export function createSdk(authUrl: string): SdkHarness {
  const calls: SdkCall[] = [];
  const recorder: ChainFunction = (next) => async (url, options = {}) => {
    const headers = new Headers(options.headers);
    const response = await next(url, options);
    calls.push({
      method: options.method ?? 'GET',
      path: new URL(url).pathname,
      authorization: headers.get('authorization'),
      contentType: headers.get('content-type'),
      body: typeof options.body === 'string' ? JSON.parse(options.body) : options.body,
      status: response.status,
    });
    return response;
  };
  const nhost = createClient({
    authUrl,
    storage: new MemoryStorage(),
    configure: [({ auth }: { auth: { pushChainFunction(chainFunction: ChainFunction): void } }) => auth.pushChainFunction(recorder)],
  });
  return { nhost, calls };
}

/** The session the SDK keeps; fails the test when there is none. */
export function storedSession(sdk: SdkHarness) {
  const session = sdk.nhost.getUserSession();
  expect(session, 'the SDK holds no session').not.toBeNull();
  return session!;
}

/** An SDK success answer in the shape `expectContract` takes. */
export function sdkResponse(res: FetchResponse<unknown>): ApiResponse {
  return { status: res.status, headers: res.headers, text: JSON.stringify(res.body), body: res.body };
}

/** Awaits a call the SDK must reject, and returns its FetchError (also in `expectContract` shape). */
export async function sdkFailure(promise: Promise<unknown>): Promise<{ error: FetchError<any>; response: ApiResponse }> {
  const error = await promise.then(
    () => {
      throw new Error('expected the SDK call to fail');
    },
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(FetchError);
  const fetchError = error as FetchError<any>;
  return {
    error: fetchError,
    response: { status: fetchError.status, headers: fetchError.headers, text: JSON.stringify(fetchError.body), body: fetchError.body },
  };
}

/** What the reference stores for a refresh token or PAT: `\x` + hex(sha256(token)) (SCHEMA.md §10.4). */
export function storedTokenHash(token: string): string {
  return `\\x${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}
