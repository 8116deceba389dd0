import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JwtSecretError, generateSigningKey, parseJwtSecret } from './jwt-secret.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');

const spki = (k: { publicKey: import('node:crypto').KeyObject }) => k.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const pkcs8 = (k: { privateKey: import('node:crypto').KeyObject }) => k.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const secret = (fields: Record<string, unknown>) => JSON.stringify(fields);
const rsaSecret = (extra: Record<string, unknown> = {}) => secret({ type: 'RS256', key: spki(rsa), signing_key: pkcs8(rsa), ...extra });

function parseError(raw: string): string {
  try {
    parseJwtSecret(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(JwtSecretError);
    return (err as Error).message;
  }
  throw new Error('expected parseJwtSecret to throw');
}

describe('parseJwtSecret — HMAC', () => {
  it('applies the reference defaults', () => {
    const config = parseJwtSecret(secret({ type: 'HS256', key: 'k'.repeat(32) }));
    expect(config).toMatchObject({
      type: 'HS256',
      alg: 'HS256',
      family: 'hmac',
      kid: undefined,
      issuer: 'hasura-auth',
      claimsNamespace: 'https://hasura.io/jwt/claims',
      claimsFormat: 'json',
      ignoredFields: [],
    });
    expect(config.signKey).toBe(config.verifyKey);
  });

  it('uses the UTF-8 bytes of the key as they are', () => {
    const config = parseJwtSecret(secret({ type: 'HS512', key: 'c2VjcmV0\u00e9' }));
    expect(config.verifyKey.export()).toEqual(Buffer.from('c2VjcmV0\u00e9', 'utf8'));
  });

  it('reads kid, issuer, namespace and claims format', () => {
    const config = parseJwtSecret(
      secret({ type: 'HS384', key: 'k', kid: 'key-1', issuer: 'me', claims_namespace: 'claims', claims_format: 'stringified_json' }),
    );
    expect(config).toMatchObject({ kid: 'key-1', issuer: 'me', claimsNamespace: 'claims', claimsFormat: 'stringified_json' });
  });

  it('treats empty and null optional strings as absent', () => {
    const config = parseJwtSecret(secret({ type: 'HS256', key: 'k', kid: '', issuer: null, claims_namespace: '' }));
    expect(config).toMatchObject({ kid: undefined, issuer: 'hasura-auth', claimsNamespace: 'https://hasura.io/jwt/claims' });
  });

  it('reports the Hasura fields it ignores', () => {
    const config = parseJwtSecret(secret({ type: 'HS256', key: 'k', audience: 'x', allowed_skew: 5, claims_namespace_path: '$.x', jwk_url: 'u' }));
    expect([...config.ignoredFields].sort()).toEqual(['allowed_skew', 'audience', 'claims_namespace_path', 'jwk_url']);
  });

  it.each([
    ['a missing key', { type: 'HS256' }, 'key is required for HS256'],
    ['a non-string key', { type: 'HS256', key: 42 }, 'key must be a string'],
    ['an empty key', { type: 'HS256', key: '' }, 'key must not be empty'],
    ['a non-string kid', { type: 'HS256', key: 'k', kid: 1 }, '"kid" must be a string'],
    ['a non-string issuer', { type: 'HS256', key: 'k', issuer: ['a'] }, '"issuer" must be a string'],
    ['an unknown claims format', { type: 'HS256', key: 'k', claims_format: 'yaml' }, '"claims_format" must be'],
    ['a missing type', { key: 'k' }, 'unsupported jwt type: ""'],
    ['a lower-case type', { type: 'hs256', key: 'k' }, 'unsupported jwt type: "hs256"'],
    ['PS256', { type: 'PS256', key: 'k' }, 'unsupported jwt type: "PS256"'],
    ['ES384', { type: 'ES384', key: 'k' }, 'unsupported jwt type: "ES384"'],
  ])('rejects %s', (_title, fields, message) => {
    expect(parseError(secret(fields))).toContain(message);
  });

  it('rejects input that is not a JSON object', () => {
    expect(parseError('{not json')).toContain('not valid JSON');
    expect(parseError('[1]')).toContain('must be a JSON object');
    expect(parseError('null')).toContain('must be a JSON object');
  });

  it('names the variable in its messages', () => {
    expect(() => parseJwtSecret('{}', { name: 'OLD_SECRET' })).toThrow(/^OLD_SECRET: /);
    expect(parseError('{}')).toMatch(/^HASURA_GRAPHQL_JWT_SECRET: /);
  });
});

describe('parseJwtSecret — RSA', () => {
  it('reads an SPKI public key and a PKCS#8 private key', () => {
    const config = parseJwtSecret(rsaSecret({ type: 'RS512' }));
    expect(config).toMatchObject({ type: 'RS512', alg: 'RS512', family: 'rsa' });
    expect(config.verifyKey.type).toBe('public');
    expect(config.signKey?.type).toBe('private');
  });

  it('reads PKCS#1 keys', () => {
    const config = parseJwtSecret(
      secret({
        type: 'RS256',
        key: rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }),
        signing_key: rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }),
      }),
    );
    expect(config.signKey?.asymmetricKeyType).toBe('rsa');
  });

  it('reads the public key from a certificate', () => {
    const config = parseJwtSecret(secret({ type: 'RS256', key: CERTIFICATE, signing_key: CERTIFICATE_KEY }));
    expect(config.verifyKey.type).toBe('public');
    expect(config.signKey?.type).toBe('private');
  });

  it('verifies only when no signing key is given', () => {
    const config = parseJwtSecret(secret({ type: 'RS256', key: spki(rsa) }));
    expect(config.signKey).toBeUndefined();
  });

  it.each([
    ['a missing key', { key: undefined }, 'key is required for RS256'],
    ['a non-string signing key', { signing_key: 7 }, 'signing key must be a string'],
    ['a private key as the public key', { key: pkcs8(rsa) }, 'key is a PEM "PRIVATE KEY"'],
    ['a key that is not PEM', { key: 'abc' }, 'key is not a PEM block'],
    ['an unparsable PEM', { key: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' }, 'key could not be parsed'],
    ['a public key as the signing key', { signing_key: spki(rsa) }, 'signing_key is a PEM "PUBLIC KEY"'],
    ['keys that are not a pair', { signing_key: pkcs8(otherRsa) }, 'not the two halves of one key pair'],
    ['an EC key', { key: spki(ec), signing_key: pkcs8(ec) }, 'key is not an RSA key'],
  ])('rejects %s', (_title, fields, message) => {
    expect(parseError(rsaSecret(fields))).toContain(message);
  });

  it('rejects an encrypted private key', () => {
    const encrypted = rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }) as string;
    expect(parseError(rsaSecret({ signing_key: encrypted }))).toContain('"ENCRYPTED PRIVATE KEY"');
  });

  it('rejects RSA keys shorter than 2048 bits', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(parseError(secret({ type: 'RS256', key: spki(small), signing_key: pkcs8(small) }))).toContain('shorter than 2048 bits');
  });
});

describe('parseJwtSecret — ES256 and Ed25519', () => {
  it('reads a P-256 key pair, SEC1 private keys included', () => {
    const config = parseJwtSecret(
      secret({ type: 'ES256', key: spki(ec), signing_key: ec.privateKey.export({ type: 'sec1', format: 'pem' }) }),
    );
    expect(config).toMatchObject({ alg: 'ES256', family: 'ec' });
  });

  it('rejects another curve for ES256', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(parseError(secret({ type: 'ES256', key: spki(p384), signing_key: pkcs8(p384) }))).toContain('not a P-256 EC key');
  });

  it('reads an Ed25519 key pair, signing as EdDSA', () => {
    const config = parseJwtSecret(secret({ type: 'Ed25519', key: spki(ed), signing_key: pkcs8(ed) }));
    expect(config).toMatchObject({ type: 'Ed25519', alg: 'EdDSA', family: 'okp' });
  });

  it('rejects an RSA key for Ed25519', () => {
    expect(parseError(secret({ type: 'Ed25519', key: spki(rsa), signing_key: pkcs8(rsa) }))).toContain('not an Ed25519 key');
  });
});

describe('generateSigningKey', () => {
  it('returns a usable RS256 secret with a thumbprint kid', async () => {
    const raw = await generateSigningKey();
    const config = parseJwtSecret(raw);
    expect(config).toMatchObject({ type: 'RS256', family: 'rsa' });
    expect(config.signKey?.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(config.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(parseJwtSecret(await generateSigningKey()).kid).not.toBe(config.kid);
  });
});

// A self-signed certificate and its key (openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=latchkey-test).
const CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIDEzCCAfugAwIBAgIUeRPRA98/jgtga3/+nmKB0NdfxEMwDQYJKoZIhvcNAQEL
BQAwGDEWMBQGA1UEAwwNbGF0Y2hrZXktdGVzdDAgFw0yNjExMjcxMzM0NDFaGA8y
MTI2MTEwMzEzMzQ0MVowGDEWMBQGA1UEAwwNbGF0Y2hrZXktdGVzdDCCASIwDQYJ
KoZIhvcNAQEBBQADggEPADCCAQoCggEBANwPcQFoawF5Zqwac+ebflZ/pVsNNMw5
4y3sddD2Lxw286kMwMQ6bXucMRf2IRpc4xSI8AZbliozPlzdPRGra1maKIYveIpj
jLNeytJEPTiVRGcuHXcvvnYfWPV4aLTY9MxdH0MIM4yyKg6+0W2LOfxgWTXaGCfY
j6ky2BfTZjDhkdqXAIdmiz+l3zWC8uH0dTMdO78iMNr3hxjrFuDYJUYWzGEoq20i
uGDGhEnbd+dDOoPUXxq514BWxMQuX2M+eeDEE439oBlRJI7dvlT4guS2jSKkfbOT
kwrhBEIq5gjfEwGHSycZoK4vMnu/tfh8/WfMMfTepbPft/P6M18D1XECAwEAAaNT
MFEwHQYDVR0OBBYEFFYTBjyRguaWc7aHbKG2Uw4helf3MB8GA1UdIwQYMBaAFFYT
BjyRguaWc7aHbKG2Uw4helf3MA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQEL
BQADggEBANAYWYQsje9SEC1KzinMyx+mut4Ekdm/+IgDJMbJCsp+vtxJaF3Hj7fE
s2thKRYmEQugSMKtKAlRDTmrFkd7Zb3cMCtHzFDaIxttR/8qF2oT4+IMW8XQgu0Y
dl/goI5B3LOiKIq1+Y10zur2Ablj/2vwGVMO8LbTmFmFl0MFBihHZQw4yiA4z90w
0I3an6Zg/wN1VitDsdtU/kthHWiLj0Y9Pcf8ir06L/d+5S2YJ0cxZIhKfakezMSl
LSQZdOk6VB0ECD+OPBbGuKMwn5rRXhtkemhXxSm8GiLfCdbFER0qHQSJu7M9x6IC
Csd1ylAPMZuQ3kRsAfXMRq8Eq3pIxiQ=
-----END CERTIFICATE-----`;

const CERTIFICATE_KEY = `-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDcD3EBaGsBeWas
GnPnm35Wf6VbDTTMOeMt7HXQ9i8cNvOpDMDEOm17nDEX9iEaXOMUiPAGW5YqMz5c
3T0Rq2tZmiiGL3iKY4yzXsrSRD04lURnLh13L752H1j1eGi02PTMXR9DCDOMsioO
vtFtizn8YFk12hgn2I+pMtgX02Yw4ZHalwCHZos/pd81gvLh9HUzHTu/IjDa94cY
6xbg2CVGFsxhKKttIrhgxoRJ23fnQzqD1F8audeAVsTELl9jPnngxBON/aAZUSSO
3b5U+ILkto0ipH2zk5MK4QRCKuYI3xMBh0snGaCuLzJ7v7X4fP1nzDH03qWz37fz
+jNfA9VxAgMBAAECggEAB/hBMflbor6IUuRUXUd64FwYG3+TcXAJQ8EEFVDNLPrq
gS1Wj+TD0U27U3BVC5Tgnn5FHx3TBu07LXbPvuOT7DdSj2WJuo1Xa6mbs9jH1NRH
GWuIoqfmgHWrLZyyQhZ3ay1WNAHIiChtsIIFqK95pqPAp1wiMtM7hLe0Lsy3rz5y
5kBllUa9nNuqutagPKeJ6GoUqgwXEdvCUFLMI/bqhX6rMqxFHE4FwgsSFOAkp6Le
ug2NBhNmiadV5nCpchHCUQOHKAkhMJ7OUy5TIUi8uc6UQto+/0inr7OzqQX7Cxo/
xNydejy+Shc6PVzHKFFwN9/ce9oZVVkzFmWQGdyLvwKBgQD7/wzZsf8aWivTAlha
aUh1HaG39Lsw2sqD4NdxAlGtVt7fcmJpCn1fb1IuH0s/Vg35kCdERw3lSuzY/Yt7
ox7NKXvaFgLli99bRxcfTAgmzO7k/dau9VF61elAQ4XBtlrlAR1UQrnl6UrqdDOI
CRKOT94+tjsfTJ60yijwmf29WwKBgQDfjn9UcE574yCtm7IqGlIYJCb/+ZAG9oqB
rFXSjEcaihTZ2+cgFBx4KS5ucKWFAhQMYSz2Mg4jYsgTKwuGGurx0r+ojh0Ay3aJ
syHIAlHqdcyAyHogVZDjQ6YGP7jRlipZIfhakYP3gsXwD9nH5D3+IgFvCs3kn2Pp
RGNaqxF2IwKBgBYb/I6lFVLEko/C5umXzymnXeb76+iPabFEauKZZ30j4A4OxR+e
Mf3LkJRHXpzB+hvpT+inq0pw1nL7W9+PIkax2xH5WGu3Z/NkO10dmKF+3X7t3oYf
M/TpC7v9sKCcVUE+ZcpcyF6pp08GvvayhRRDYaZy6qEGYe5OxmTFvgN9AoGBAI6C
1mTLmxyas5A4eqEgWkkNctcnDkuCCtWTOLqZthITCCvBZVsrtuJazkCVCs75fjJO
GE1xp1WjeQvPGu+IZVF3GbqnrZF+IrixOs23vOSL56wJIOFP6qcVztaY9IaXBbQA
VcPWk5vK/8eDMz+cHnDM2MEi0BH4Ecb4U6XO+7ilAoGBALHVJrlsEsHI9cq4zIs/
jJHBRosZ6Vq+MFRVwF/WtTl64bSFfrwb7lJiv/FAR1eq+7ZfROc8IRvieEWV81c1
FnXijq5rzUimhcDCewrLPUTix3GbgeffG2VEdwqXan4RYmV/BJGAtpaZshk4IgkB
fYX+FrZ6qPKymDFkiL1xvLVD
-----END PRIVATE KEY-----`;
