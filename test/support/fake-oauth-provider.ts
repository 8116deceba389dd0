/**
 * A real OAuth 2 / OpenID Connect provider double on 127.0.0.1 (node:http), for the sign-in
 * tests of every provider. It speaks the protocol, not our code's expectations:
 * - `GET  /authorize`: checks client_id and redirect_uri, remembers code_challenge and nonce, and
 *   redirects back with `code` + `state` (or the queued `error`). The user "signing in" is
 *   `fake.account` at that moment.
 * - `POST /token`: checks the client authentication the provider requires (`basic` or `post`),
 *   the code (single use, bound to redirect_uri and the PKCE verifier), or a refresh token;
 *   answers JSON (or a form body when the request does not accept JSON, as GitHub does); with
 *   `oidc`, adds an RS256 ID token signed with the key published at `GET /jwks`.
 * - profile routes given by the preset (e.g. GitHub's `/user` and `/user/emails`), answering the
 *   provider's real JSON shapes for the current account and requiring the bearer token.
 * Failures are queued with `failNext('token' | '<route>', status, body?)`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { readBody } from './fake-http.js';

/** The person at the provider: free-form, each preset's routes read what they need. */
export type FakeAccount = Record<string, unknown> & { sub: string };

export type ProfileRoute = (account: FakeAccount, request: { accessToken: string; headers: IncomingMessage['headers']; query: URLSearchParams }) => unknown;

/** A profile route's answer with a status other than 200 (e.g. a header the provider requires is missing). */
export class FakeReply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

export interface FakeProviderOptions {
  clientId?: string;
  clientSecret?: string;
  /** How the token endpoint authenticates the client. */
  clientAuth: 'basic' | 'post';
  /** GET routes (path → JSON body) that require the bearer token. */
  profileRoutes: Record<string, ProfileRoute>;
  /** Sign an ID token (claims from `idTokenClaims`) into every token response. */
  oidc?: { idTokenClaims: (account: FakeAccount) => Record<string, unknown> };
  /** Reshape successful token responses the way the provider writes them (e.g. Twitch's `scope` array). */
  shapeTokenResponse?: (answer: Record<string, unknown>) => Record<string, unknown>;
  /** Expire access tokens after this many seconds (reported as `expires_in`). */
  expiresInSeconds?: number;
  /** The provider's real paths of the authorization, token and JWKS endpoints (default `/authorize`, `/token`, `/jwks`). */
  paths?: { authorize?: string; token?: string; jwks?: string };
  /** Checks a client secret that is not a fixed string (Apple's signed JWT); default: equals `clientSecret`. */
  verifyClientSecret?: (secret: string) => Promise<boolean>;
  /** Reshapes the token response (e.g. WorkOS: no token_type, the profile inside). */
  tokenResponse?: (answer: Record<string, unknown>, account: FakeAccount) => Record<string, unknown>;
  /** Extra fields of a `response_mode=form_post` answer (Apple's `user` on first consent). */
  formPostFields?: (account: FakeAccount) => Record<string, string>;
}

interface IssuedCode {
  account: FakeAccount;
  redirectUri: string;
  codeChallenge: string | null;
  nonce: string | null;
}

export interface FakeOAuthProvider {
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Who signs in at the next authorization. */
  account: FakeAccount;
  /** Every authorization request's query, in order. */
  readonly authorizations: URLSearchParams[];
  /** Every token request: its form body and Authorization header. */
  readonly tokenRequests: Array<{ body: URLSearchParams; authorization: string | undefined }>;
  /** Access and refresh tokens handed out, newest last. */
  readonly issued: Array<{ accessToken: string; refreshToken: string }>;
  /** The next request to `target` ('authorize', 'token' or a profile path) fails. For 'authorize', `body.error` becomes the error redirect. */
  failNext(target: string, status: number, body?: unknown): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = contentType === 'application/json' ? JSON.stringify(body) : String(body);
  res.writeHead(status, { 'content-type': contentType }).end(text);
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
const random = () => randomBytes(24).toString('base64url');

/** The client credentials the request carries in the way the provider requires, or null. */
function clientOf(req: IncomingMessage, body: URLSearchParams, mode: 'basic' | 'post'): { id: string; secret: string } | null {
  if (mode === 'post') {
    if (req.headers.authorization) return null;
    const id = body.get('client_id');
    const secret = body.get('client_secret');
    return id !== null && secret !== null ? { id, secret } : null;
  }
  const match = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
  if (!match?.[1] || body.has('client_secret')) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  // RFC 6749 §2.3.1: both parts form-urlencoded before base64.
  const unform = (s: string) => decodeURIComponent(s.replaceAll('+', ' '));
  return { id: unform(decoded.slice(0, colon)), secret: unform(decoded.slice(colon + 1)) };
}

export async function startFakeOAuthProvider(options: FakeProviderOptions): Promise<FakeOAuthProvider> {
  const clientId = options.clientId ?? 'fake-client-id';
  const clientSecret = options.clientSecret ?? 'fake-client-secret:with/odd+chars';
  const codes = new Map<string, IssuedCode>();
  const accessTokens = new Map<string, FakeAccount>();
  const refreshTokens = new Map<string, FakeAccount>();
  const failures = new Map<string, { status: number; body: unknown }>();
  const keys = options.oidc ? await generateKeyPair('RS256') : null;
  const jwk: JWK | null = keys ? { ...(await exportJWK(keys.publicKey)), kid: 'fake-key-1', alg: 'RS256', use: 'sig' } : null;
  let origin = '';

  const fake = {
    url: '',
    clientId,
    clientSecret,
    account: { sub: 'fake-user-1' } as FakeAccount,
    authorizations: [] as URLSearchParams[],
    tokenRequests: [] as Array<{ body: URLSearchParams; authorization: string | undefined }>,
    issued: [] as Array<{ accessToken: string; refreshToken: string }>,
    failNext(target: string, status: number, body: unknown = { error: 'server_error' }) {
      failures.set(target, { status, body });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  async function tokensFor(account: FakeAccount, nonce: string | null): Promise<Record<string, unknown>> {
    const answer = await standardTokensFor(account, nonce);
    return options.tokenResponse ? options.tokenResponse(answer, account) : answer;
  }

  async function standardTokensFor(account: FakeAccount, nonce: string | null): Promise<Record<string, unknown>> {
    const accessToken = `at-${random()}`;
    const refreshToken = `rt-${random()}`;
    accessTokens.set(accessToken, account);
    refreshTokens.set(refreshToken, account);
    fake.issued.push({ accessToken, refreshToken });
    const answer: Record<string, unknown> = { access_token: accessToken, token_type: 'bearer', expires_in: options.expiresInSeconds ?? 3600, refresh_token: refreshToken };
    if (options.oidc && keys) {
      const now = Math.floor(Date.now() / 1000);
      const claims: Record<string, unknown> = { ...options.oidc.idTokenClaims(account), ...(nonce !== null ? { nonce } : {}) };
      answer['id_token'] = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'fake-key-1' })
        .setIssuer(typeof claims['iss'] === 'string' ? claims['iss'] : origin)
        .setAudience(clientId)
        .setSubject(account.sub)
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(keys.privateKey);
    }
    return options.shapeTokenResponse ? options.shapeTokenResponse(answer) : answer;
  }

  function authorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    fake.authorizations.push(q);
    const redirectUri = q.get('redirect_uri');
    if (q.get('client_id') !== clientId || !redirectUri) return send(res, 400, { error: 'invalid_client' });
    const back = new URL(redirectUri);
    const failure = failures.get('authorize');
    if (failure) {
      failures.delete('authorize');
      const error = failure.body as Record<string, string>;
      for (const [k, v] of Object.entries(error)) back.searchParams.set(k, v);
    } else {
      const code = `code-${random()}`;
      codes.set(code, { account: fake.account, redirectUri, codeChallenge: q.get('code_challenge'), nonce: q.get('nonce') });
      back.searchParams.set('code', code);
    }
    if (q.has('state')) back.searchParams.set('state', q.get('state') ?? '');
    if (q.get('response_mode') === 'form_post') {
      // The provider's page makes the browser POST the answer to redirect_uri.
      const fields = { ...Object.fromEntries(back.searchParams), ...(failure ? {} : (options.formPostFields?.(fake.account) ?? {})) };
      const escape = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
      const inputs = Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`).join('');
      const action = escape(`${back.origin}${back.pathname}`);
      return send(res, 200, `<html><body onload="document.forms[0].submit()"><form method="post" action="${action}">${inputs}</form></body></html>`, 'text/html');
    }
    res.writeHead(302, { location: back.toString() }).end();
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = new URLSearchParams(await readBody(req));
    fake.tokenRequests.push({ body, authorization: req.headers.authorization });
    const failure = failures.get('token');
    if (failure) {
      failures.delete('token');
      return send(res, failure.status, failure.body);
    }
    const client = clientOf(req, body, options.clientAuth);
    const isSecretRight = async (secret: string) => (options.verifyClientSecret ? options.verifyClientSecret(secret) : secret === clientSecret);
    if (!client || client.id !== clientId || !(await isSecretRight(client.secret))) return send(res, 401, { error: 'invalid_client' });
    let answer: Record<string, unknown>;
    if (body.get('grant_type') === 'authorization_code') {
      const issued = codes.get(body.get('code') ?? '');
      codes.delete(body.get('code') ?? '');
      if (!issued || issued.redirectUri !== body.get('redirect_uri')) return send(res, 400, { error: 'invalid_grant' });
      if (issued.codeChallenge !== null && s256(body.get('code_verifier') ?? '') !== issued.codeChallenge) return send(res, 400, { error: 'invalid_grant' });
      answer = await tokensFor(issued.account, issued.nonce);
    } else if (body.get('grant_type') === 'refresh_token') {
      const account = refreshTokens.get(body.get('refresh_token') ?? '');
      if (!account) return send(res, 400, { error: 'invalid_grant' });
      answer = await tokensFor(account, null);
    } else {
      return send(res, 400, { error: 'unsupported_grant_type' });
    }
    // GitHub answers a form body unless JSON is accepted; JSON otherwise.
    if (!(req.headers.accept ?? '').includes('json')) {
      const form = new URLSearchParams(Object.entries(answer).map(([k, v]): [string, string] => [k, String(v)]));
      return send(res, 200, form.toString(), 'application/x-www-form-urlencoded');
    }
    return send(res, 200, answer);
  }

  function profile(url: URL, req: IncomingMessage, res: ServerResponse): void {
    const route = options.profileRoutes[url.pathname];
    if (!route) return send(res, 404, { message: 'Not Found' });
    const failure = failures.get(url.pathname);
    if (failure) {
      failures.delete(url.pathname);
      return send(res, failure.status, failure.body);
    }
    const accessToken = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const account = accessTokens.get(accessToken);
    if (!account) return send(res, 401, { message: 'Bad credentials' });
    const answer = route(account, { accessToken, headers: req.headers, query: url.searchParams });
    return answer instanceof FakeReply ? send(res, answer.status, answer.body) : send(res, 200, answer);
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const handle = async () => {
      if (req.method === 'GET' && url.pathname === (options.paths?.authorize ?? '/authorize')) return authorize(url, res);
      if (req.method === 'POST' && url.pathname === (options.paths?.token ?? '/token')) return token(req, res);
      if (req.method === 'GET' && url.pathname === (options.paths?.jwks ?? '/jwks') && jwk) return send(res, 200, { keys: [jwk] });
      if (req.method === 'GET') return profile(url, req, res);
      return send(res, 405, { error: 'method not allowed' });
    };
    handle().catch((err: unknown) => send(res, 500, { error: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.url = origin;
  return fake;
}
