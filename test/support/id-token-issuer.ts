/**
 * A real OpenID provider (npm `oidc-provider`) on 127.0.0.1 standing in for Apple and Google on
 * the ID-token endpoints: the app reads its JWKS over HTTP, and ID tokens are signed by the
 * provider's own ID-token model for a chosen subject and claims (what a native sign-in button
 * would hand the client). Tokens no honest provider issues (another signer, HS256, `none`, a
 * missing subject, another issuer) are forged with jose for the negative cases.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import Provider from 'oidc-provider';

/** Client ids registered at the issuer; each is the `aud` of the tokens minted for it. */
export const AUDIENCES = { google: 'google-client.apps.example', apple: 'com.example.app', other: 'someone-else' } as const;

export interface IdTokenClaims {
  sub: string;
  email?: unknown;
  email_verified?: unknown;
  name?: string;
  picture?: string;
  /** The claim value (the caller hashes a raw nonce with `nonceHashOf` when it wants a valid one). */
  nonce?: string;
}

export interface IdTokenIssuer {
  readonly issuer: string;
  readonly jwksUrl: string;
  /** Settings pointing both ID-token providers at this issuer, each with its own audience. */
  readonly env: Record<string, string>;
  /** An ID token minted by the OpenID provider for `audience` (default Google's). */
  idToken(claims: IdTokenClaims, audience?: string): Promise<string>;
  /** A token signed with jose: by the issuer's key (default), another RSA key, or HS256 / none. */
  forge(claims: JWTPayload, signer?: 'issuer' | 'stranger' | 'hs256' | 'none'): Promise<string>;
  close(): Promise<void>;
}

async function rsaKey(kid: string): Promise<{ jwk: JWK; privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'] }> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { jwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' }, privateKey };
}

export async function startIdTokenIssuer(): Promise<IdTokenIssuer> {
  const signing = await rsaKey('issuer-key');
  const stranger = await rsaKey('issuer-key'); // same kid, other key: a forged signature
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: Object.values(AUDIENCES).map((id) => ({ client_id: id, client_secret: `${id}-secret`, redirect_uris: ['http://127.0.0.1/cb'] })),
    jwks: { keys: [signing.jwk] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'picture'] },
    features: { devInteractions: { enabled: false } },
    ttl: { IdToken: 3600 },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub }) }),
  } as never);
  server.on('request', provider.callback());
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };

  const now = () => Math.floor(Date.now() / 1000);
  return {
    issuer,
    jwksUrl: discovery.jwks_uri,
    env: {
      AUTH_PROVIDER_GOOGLE_AUDIENCE: AUDIENCES.google,
      AUTH_PROVIDER_GOOGLE_ISSUER: issuer,
      AUTH_PROVIDER_GOOGLE_JWKS_URL: discovery.jwks_uri,
      AUTH_PROVIDER_APPLE_AUDIENCE: AUDIENCES.apple,
      AUTH_PROVIDER_APPLE_ISSUER: issuer,
      AUTH_PROVIDER_APPLE_JWKS_URL: discovery.jwks_uri,
    },
    async idToken(claims, audience = AUDIENCES.google) {
      const client = await provider.Client.find(audience);
      if (!client) throw new Error(`no client ${audience}`);
      const { nonce, ...available } = claims;
      const token = new provider.IdToken({ ...available }, { client });
      token.scope = 'openid email profile';
      if (nonce !== undefined) token.set('nonce', nonce);
      return token.issue({ use: 'idtoken' });
    },
    async forge(claims, signer = 'issuer') {
      const payload = { iss: issuer, aud: AUDIENCES.google, iat: now(), exp: now() + 600, ...claims };
      if (signer === 'none') {
        const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
        return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
      }
      if (signer === 'hs256') return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: 'issuer-key' }).sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-0123'));
      const key = signer === 'issuer' ? signing.privateKey : stranger.privateKey;
      return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'issuer-key', typ: 'JWT' }).sign(key);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
