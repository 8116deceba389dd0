/**
 * A real OpenID Provider (npm `oidc-provider`) on 127.0.0.1, signing real RS256 ID tokens, for
 * tests of OpenID Connect providers (Google) and of ID-token sign-in. The person who signs in is
 * `op.account` at the moment of the authorization request: the interaction (login + consent) is
 * completed automatically, so a test only follows redirects (test/support/oauth-dance.ts does,
 * with the provider's own cookies).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

export interface OidcAccount {
  sub: string;
  email?: string;
  /** Sent as given, so tests can send a non-boolean. */
  email_verified?: unknown;
  name?: string;
  picture?: string;
}

export interface OidcClientRegistration {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** `client_secret_basic` (default) or `client_secret_post`. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
}

export interface RealOidcProvider {
  /** The issuer, e.g. http://127.0.0.1:PORT */
  readonly issuer: string;
  readonly authorizationUrl: string;
  readonly tokenUrl: string;
  readonly userinfoUrl: string;
  readonly jwksUrl: string;
  /** Who signs in at the next authorization. */
  account: OidcAccount;
  close(): Promise<void>;
}

export interface OidcProviderOptions {
  /** Put the granted scopes' claims (email…) in the ID token too, as Apple does (it has no userinfo). */
  hasClaimsInIdToken?: boolean;
}

export async function startOidcProvider(clients: OidcClientRegistration[], options: OidcProviderOptions = {}): Promise<RealOidcProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'op-key-1', alg: 'RS256', use: 'sig' };
  const accounts = new Map<string, OidcAccount>();
  const state = { account: { sub: 'op-user-1', email: 'op-user-1@example.com', email_verified: true, name: 'OP User' } as OidcAccount };

  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      token_endpoint_auth_method: c.tokenEndpointAuthMethod ?? 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    })),
    jwks: { keys: [jwk] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'picture'] },
    features: { devInteractions: { enabled: false } },
    // Refresh tokens for every code grant, as Google does with access_type=offline.
    issueRefreshToken: async () => true,
    conformIdTokenClaims: options.hasClaimsInIdToken !== true,
    pkce: { required: () => false },
    async findAccount(_ctx: unknown, sub: string) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ ...account }) };
    },
  } as never);

  const handler = provider.callback();
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      // Log in as the current account and consent to everything that was asked.
      void (async () => {
        const details = await provider.interactionDetails(req, res);
        const account = state.account;
        accounts.set(account.sub, account);
        const grant = new provider.Grant({ accountId: account.sub, clientId: String(details.params['client_id']) });
        grant.addOIDCScope(String(details.params['scope']));
        const grantId = await grant.save();
        await provider.interactionFinished(req, res, { login: { accountId: account.sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
      })().catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
      return;
    }
    handler(req, res);
  });

  return {
    issuer,
    authorizationUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    userinfoUrl: `${issuer}/me`,
    jwksUrl: `${issuer}/jwks`,
    get account() {
      return state.account;
    },
    set account(value: OidcAccount) {
      state.account = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
