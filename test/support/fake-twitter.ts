/**
 * A Twitter OAuth 1.0a double on 127.0.0.1 with Twitter's real paths. Every server-to-server call
 * must carry a valid HMAC-SHA1 signature (RFC 5849 §3.4, checked here independently of the
 * `oauth-1.0a` package the app uses), a fresh timestamp and an unused nonce:
 * - `POST /oauth/request_token`: needs `oauth_callback`; answers a form with the request token,
 *   its secret and `oauth_callback_confirmed=true`;
 * - `GET /oauth/authorize?oauth_token=`: the browser page; redirects to the callback with
 *   `oauth_token` and `oauth_verifier` (or `denied` after `denyNext()`);
 * - `POST /oauth/access_token`: signed with the request token AND its secret, plus the verifier;
 * - `GET /1.1/account/verify_credentials.json`: signed with the access token and its secret;
 *   `email` only with `include_email=true`.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './fake-http.js';

export interface TwitterAccount {
  id: string;
  name: string;
  screenName: string;
  email?: string;
}

export function twitterAccount(id: string, email?: string): TwitterAccount {
  return { id, name: `Twitter User ${id}`, screenName: `user${id}`, ...(email !== undefined ? { email } : {}) };
}

export interface FakeTwitter {
  readonly url: string;
  readonly consumerKey: string;
  readonly consumerSecret: string;
  account: TwitterAccount;
  /** Every request-token secret handed out (to check it never reaches the browser). */
  readonly requestSecrets: string[];
  /** Every signed call: path, OAuth parameters and whether its signature was valid. */
  readonly calls: Array<{ path: string; oauth: Record<string, string>; isSignatureValid: boolean }>;
  /** The next call to `path` answers `status`. */
  failNext(path: string, status: number): void;
  /** The next authorization is refused by the user (Twitter sends `denied`). */
  denyNext(): void;
  /** Makes request_token answer without `oauth_callback_confirmed=true`. */
  unconfirmNext(): void;
  close(): Promise<void>;
}

/** RFC 3986 percent-encoding (RFC 5849 §3.6). */
const enc = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const random = () => randomBytes(16).toString('hex');

function parseAuthorization(header: string | undefined): Record<string, string> | null {
  if (!header?.startsWith('OAuth ')) return null;
  const params: Record<string, string> = {};
  for (const match of header.slice(6).matchAll(/([\w-]+)="([^"]*)"/g)) params[decodeURIComponent(match[1]!)] = decodeURIComponent(match[2]!);
  return params;
}

/** RFC 5849 §3.4.1 signature base string, §3.4.2 HMAC-SHA1. */
export function oauth1Signature(method: string, baseUrl: string, params: Array<[string, string]>, consumerSecret: string, tokenSecret: string): string {
  const normalized = params
    .map(([k, v]) => [enc(k), enc(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : av > bv ? 1 : 0) : ak < bk ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const base = `${method.toUpperCase()}&${enc(baseUrl)}&${enc(normalized)}`;
  return createHmac('sha1', `${enc(consumerSecret)}&${enc(tokenSecret)}`).update(base).digest('base64');
}

const form = (res: ServerResponse, body: Record<string, string>): void => void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(new URLSearchParams(body).toString());
const error = (res: ServerResponse, status: number, message: string): void =>
  void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 32, message }] }));

export async function startFakeTwitter(): Promise<FakeTwitter> {
  const consumerKey = 'fake-consumer-key';
  const consumerSecret = 'fake-consumer-secret/with+odd=chars';
  const requestTokens = new Map<string, { secret: string; callback: string; verifier: string | null; account: TwitterAccount | null }>();
  const accessTokens = new Map<string, { secret: string; account: TwitterAccount }>();
  const usedNonces = new Set<string>();
  const failures = new Map<string, number>();
  let isDenyNext = false;
  let isUnconfirmNext = false;
  let origin = '';

  const fake: FakeTwitter = {
    url: '',
    consumerKey,
    consumerSecret,
    account: twitterAccount('1001', 'tweeter@example.com'),
    calls: [],
    requestSecrets: [],
    failNext: (path, status) => void failures.set(path, status),
    denyNext: () => void (isDenyNext = true),
    unconfirmNext: () => void (isUnconfirmNext = true),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  /** The OAuth parameters of a validly signed call whose token secret is `tokenSecretOf(token)`, or null. */
  function verified(req: IncomingMessage, url: URL, body: string, tokenSecretOf: (token: string | undefined) => string | null): Record<string, string> | null {
    const oauth = parseAuthorization(req.headers.authorization);
    if (!oauth) return null;
    const params: Array<[string, string]> = [...Object.entries(oauth).filter(([k]) => k !== 'oauth_signature' && k !== 'realm'), ...url.searchParams];
    if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) params.push(...new URLSearchParams(body));
    const tokenSecret = tokenSecretOf(oauth['oauth_token']);
    const expected = tokenSecret === null ? null : oauth1Signature(req.method ?? 'GET', `${origin}${url.pathname}`, params, consumerSecret, tokenSecret);
    const isFresh = Math.abs(Number(oauth['oauth_timestamp']) - Date.now() / 1000) < 300;
    const isNewNonce = !!oauth['oauth_nonce'] && !usedNonces.has(oauth['oauth_nonce']);
    const isValid =
      expected !== null && oauth['oauth_signature'] === expected && oauth['oauth_consumer_key'] === consumerKey && oauth['oauth_signature_method'] === 'HMAC-SHA1' && isFresh && isNewNonce;
    fake.calls.push({ path: url.pathname, oauth, isSignatureValid: isValid });
    if (!isValid) return null;
    usedNonces.add(oauth['oauth_nonce']!);
    return oauth;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const body = await readBody(req);
    const failure = failures.get(url.pathname);
    if (failure !== undefined) {
      failures.delete(url.pathname);
      error(res, failure, 'Internal error');
      return;
    }
    if (req.method === 'POST' && url.pathname === '/oauth/request_token') {
      const oauth = verified(req, url, body, (token) => (token === undefined ? '' : null));
      if (!oauth?.['oauth_callback']) return error(res, 401, 'Could not authenticate you.');
      const token = `rt-${random()}`;
      requestTokens.set(token, { secret: `rts-${random()}`, callback: oauth['oauth_callback'], verifier: null, account: null });
      fake.requestSecrets.push(requestTokens.get(token)!.secret);
      const confirmed = isUnconfirmNext ? 'false' : 'true';
      isUnconfirmNext = false;
      return form(res, { oauth_token: token, oauth_token_secret: requestTokens.get(token)!.secret, oauth_callback_confirmed: confirmed });
    }
    if (req.method === 'GET' && url.pathname === '/oauth/authorize') {
      const token = url.searchParams.get('oauth_token') ?? '';
      const issued = requestTokens.get(token);
      if (!issued) return error(res, 400, 'Invalid request token');
      const back = new URL(issued.callback);
      if (isDenyNext) {
        isDenyNext = false;
        back.searchParams.set('denied', token);
      } else {
        issued.verifier = `v-${random()}`;
        issued.account = fake.account;
        back.searchParams.set('oauth_token', token);
        back.searchParams.set('oauth_verifier', issued.verifier);
      }
      res.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/oauth/access_token') {
      const oauth = verified(req, url, body, (token) => requestTokens.get(token ?? '')?.secret ?? null);
      const issued = requestTokens.get(oauth?.['oauth_token'] ?? '');
      if (!oauth || !issued?.account || issued.verifier !== oauth['oauth_verifier']) return error(res, 401, 'Invalid or expired token');
      requestTokens.delete(oauth['oauth_token']!);
      const token = `${issued.account.id}-at-${random()}`;
      accessTokens.set(token, { secret: `ats-${random()}`, account: issued.account });
      return form(res, { oauth_token: token, oauth_token_secret: accessTokens.get(token)!.secret, user_id: issued.account.id, screen_name: issued.account.screenName });
    }
    if (req.method === 'GET' && url.pathname === '/1.1/account/verify_credentials.json') {
      const oauth = verified(req, url, body, (token) => accessTokens.get(token ?? '')?.secret ?? null);
      const account = accessTokens.get(oauth?.['oauth_token'] ?? '')?.account;
      if (!account) return error(res, 401, 'Could not authenticate you.');
      const user: Record<string, unknown> = {
        id: Number(account.id),
        id_str: account.id,
        name: account.name,
        screen_name: account.screenName,
        profile_image_url_https: `https://pbs.twimg.example/profile_images/${account.id}/normal.jpg`,
      };
      if (url.searchParams.get('include_email') === 'true' && account.email !== undefined) user['email'] = account.email;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(user));
      return;
    }
    return error(res, 404, 'Sorry, that page does not exist');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => error(res, 500, String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  (fake as { url: string }).url = origin;
  return fake;
}

/** Settings enabling Twitter against `fake`. */
export function twitterEnv(fake: FakeTwitter): Record<string, string> {
  return {
    AUTH_PROVIDER_TWITTER_ENABLED: 'true',
    AUTH_PROVIDER_TWITTER_CONSUMER_KEY: fake.consumerKey,
    AUTH_PROVIDER_TWITTER_CONSUMER_SECRET: fake.consumerSecret,
    AUTH_PROVIDER_TWITTER_REQUEST_TOKEN_URL: `${fake.url}/oauth/request_token`,
    AUTH_PROVIDER_TWITTER_AUTHORIZATION_URL: `${fake.url}/oauth/authorize`,
    AUTH_PROVIDER_TWITTER_TOKEN_URL: `${fake.url}/oauth/access_token`,
    AUTH_PROVIDER_TWITTER_USER_PROFILE_URL: `${fake.url}/1.1/account/verify_credentials.json`,
  };
}
