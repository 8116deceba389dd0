/**
 * The OAuth `state` of a provider sign-in (compat S25). The reference signed the whole flow
 * (options, and the `connect` access token in clear) into a 60-second JWT that any browser could
 * replay. Here:
 * - the signed state carries only the id of a single-use row and the hash of a browser nonce;
 * - the nonce lives in an HttpOnly cookie of the browser that started the flow, so a callback from
 *   another browser (login CSRF) fails;
 * - the flow itself (options, redirect, the id of the user to link — never a token —, the PKCE
 *   verifier and OpenID nonce towards the provider) stays in that row, sealed, and is deleted as
 *   the callback reads it;
 * - the lifetime is AUTH_OAUTH_STATE_TTL (default 10 minutes).
 */
import { createHash } from 'node:crypto';
import { openSecret, sealSecret } from '../adapters/crypto/secret-box.js';
import { safeEqual, signJwt, verifyJwt } from '../adapters/tokens/index.js';
import type { ProviderId } from '../config/types.js';
import { deleteExpiredOAuthStates, deleteOAuthStateById, insertOAuthState, updateOAuthStateFlowById } from '../store/oauth-states.js';
import type { FlowDeps } from './deps.js';
import type { SignUpOptionsInput } from './rules/sign-up-options.js';

/** Everything a started sign-in needs at its callback. */
export interface OAuthFlow {
  /** Sign-up options as requested (validated only if a user is created); `redirectTo` as given. */
  options: SignUpOptionsInput;
  /** `connect` mode: the user to link to, taken from the verified access token at the start. */
  connectUserId: string | null;
  /** The client's PKCE challenge: answer with a one-time `code` instead of a refresh token. */
  codeChallenge: string | null;
  /** The client's opaque `state`, echoed on the final redirect. */
  clientState: string | null;
  /** PKCE verifier towards the provider. */
  codeVerifier: string;
  /** OpenID nonce towards the provider. */
  nonce: string;
  redirectUri: string;
  /** What the provider asked to keep while starting (OAuth 1.0a: the request token and its secret). */
  providerSecret?: string;
}

/** A header value for `Set-Cookie`. */
export type SetCookie = string;

const COOKIE_PREFIX = 'latchkey-oauth-';
const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('base64url');

/** Our callback URL, as registered with the provider: plain concatenation (PROVIDERS.md §1). */
export function callbackUrlOf(deps: FlowDeps, provider: ProviderId): string {
  return `${deps.config.server.serverUrl}/signin/provider/${provider}/callback`;
}

function cookie(deps: FlowDeps, provider: ProviderId, name: string, value: string, maxAgeSeconds: number, isCrossSitePost: boolean): SetCookie {
  const callback = callbackUrlOf(deps, provider);
  const path = URL.canParse(callback) ? new URL(callback).pathname : '/';
  const isHttps = callback.startsWith('https:');
  // A provider that POSTs the callback (Apple's form_post) is a cross-site POST: only SameSite=None
  // cookies come along, and browsers accept those only when Secure.
  const sameSite = isCrossSitePost && isHttps ? 'None' : 'Lax';
  return [`${name}=${value}`, `Path=${path}`, `Max-Age=${maxAgeSeconds}`, 'HttpOnly', `SameSite=${sameSite}`, ...(isHttps ? ['Secure'] : [])].join('; ');
}

/** Stores the flow and returns the signed state for the provider and the cookie binding it to this browser. */
export async function createOAuthState(deps: FlowDeps, provider: ProviderId, flow: OAuthFlow, isCrossSitePost = false): Promise<{ state: string; cookie: SetCookie }> {
  const now = deps.clock.now();
  const ttlMs = deps.config.oauth.stateTtlMs;
  const id = deps.random.uuid();
  const browserNonce = deps.random.bytes(32).toString('base64url');
  await deleteExpiredOAuthStates(deps.db, now);
  await insertOAuthState(deps.db, {
    id,
    providerId: provider,
    flowSealed: sealSecret(deps.encryptionKey, JSON.stringify(flow)),
    expiresAt: new Date(now.getTime() + ttlMs),
    now,
  });
  const expiresInSeconds = Math.max(1, Math.ceil(ttlMs / 1000));
  const state = await signJwt(deps.keys, { sid: id, bnh: sha256(browserNonce), provider }, { now, expiresInSeconds });
  return { state, cookie: cookie(deps, provider, `${COOKIE_PREFIX}${id}`, browserNonce, expiresInSeconds, isCrossSitePost) };
}

/** Reads one cookie from a `Cookie` header. */
function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export type StateCheck = { ok: true; flow: OAuthFlow; clearCookie: SetCookie } | { ok: false; clearCookie: SetCookie | null };

/**
 * Verifies the callback's state: our signature and expiry, the provider, the browser cookie (in
 * constant time), then spends the row. Any failure is `invalid-state`; a replay finds no row.
 */
export async function consumeOAuthState(deps: FlowDeps, provider: ProviderId, state: string, cookieHeader: string | undefined, isCrossSitePost = false): Promise<StateCheck> {
  const now = deps.clock.now();
  let claims: Readonly<Record<string, unknown>>;
  try {
    claims = (await verifyJwt(deps.keys, state, { now })).payload;
  } catch {
    return { ok: false, clearCookie: null };
  }
  const { sid, bnh } = claims;
  if (typeof sid !== 'string' || typeof bnh !== 'string' || claims['provider'] !== provider) return { ok: false, clearCookie: null };
  const name = `${COOKIE_PREFIX}${sid}`;
  const clearCookie = cookie(deps, provider, name, '', 0, isCrossSitePost);
  const browserNonce = cookieValue(cookieHeader, name);
  if (browserNonce === null || !safeEqual(sha256(browserNonce), bnh)) return { ok: false, clearCookie };
  const row = await deleteOAuthStateById(deps.db, sid, provider, now);
  if (!row) return { ok: false, clearCookie };
  try {
    return { ok: true, flow: JSON.parse(openSecret(deps.encryptionKey, row.flowSealed)) as OAuthFlow, clearCookie };
  } catch (err) {
    deps.log.error({ err }, 'a stored OAuth state could not be opened');
    return { ok: false, clearCookie };
  }
}

/**
 * Adds the provider's secret (Twitter's request-token secret, known only after the state was
 * signed into the request-token call) to the flow's sealed row: it stays on the server.
 */
export async function keepProviderSecret(deps: FlowDeps, state: string, flow: OAuthFlow, providerSecret: string): Promise<void> {
  const { sid } = (await verifyJwt(deps.keys, state, { now: deps.clock.now() })).payload;
  if (typeof sid !== 'string') throw new Error('an OAuth state without sid');
  await updateOAuthStateFlowById(deps.db, sid, sealSecret(deps.encryptionKey, JSON.stringify({ ...flow, providerSecret })));
}
