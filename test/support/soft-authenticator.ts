/**
 * A software WebAuthn authenticator for HTTP tests: real P-256 keys (node:crypto), real CBOR
 * attestation objects ("none" or packed self-attestation) and real ES256 assertion signatures, so
 * the server's verification runs exactly as it would for a browser. Overrides let a test lie about
 * the origin, the RP id, the challenge or the signature counter.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { encodeCBOR } from '@levischuck/tiny-cbor';

export interface SoftCredential {
  /** Raw credential id. */
  rawId: Buffer;
  /** base64url of the raw id, as stored by the server. */
  id: string;
  privateKey: KeyObject;
  cosePublicKey: Uint8Array;
  /** The `user.id` text of the creation options, returned as `userHandle`. */
  userHandle: string;
  rpId: string;
  counter: number;
}

export interface CeremonyOverrides {
  origin?: string;
  rpId?: string;
  challenge?: string;
  type?: string;
}

const b64url = (data: Uint8Array | string): string => Buffer.from(data).toString('base64url');
const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest();

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** Authenticator data flags: UP (0x01), UV (0x04), AT (0x40). */
function flags(options: { userVerified: boolean; attested: boolean }): number {
  return 0x01 | (options.userVerified ? 0x04 : 0) | (options.attested ? 0x40 : 0);
}

function newCredential(userHandle: string, rpId: string): SoftCredential {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const cosePublicKey = encodeCBOR(new Map<number, number | Uint8Array>([
    [1, 2], // kty: EC2
    [3, -7], // alg: ES256
    [-1, 1], // crv: P-256
    [-2, Buffer.from(jwk.x!, 'base64url')],
    [-3, Buffer.from(jwk.y!, 'base64url')],
  ]));
  const rawId = randomBytes(16);
  return { rawId, id: b64url(rawId), privateKey, cosePublicKey, userHandle, rpId, counter: 0 };
}

export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];

  constructor(readonly settings: { origin: string; attestation?: 'none' | 'packed'; userVerified?: boolean }) {}

  private clientData(type: string, challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** `navigator.credentials.create()` for creation options as the server sent them. */
  create(options: { challenge: string; rp: { id: string }; user: { id: string } }, overrides: CeremonyOverrides & { reuse?: SoftCredential } = {}): Record<string, any> {
    const rpId = overrides.rpId ?? options.rp.id;
    const credential: SoftCredential = overrides.reuse ?? newCredential(options.user.id, options.rp.id);
    const { rawId, privateKey, cosePublicKey } = credential;
    const authData = Buffer.concat([
      sha256(rpId),
      Buffer.from([flags({ userVerified: this.settings.userVerified ?? true, attested: true })]),
      uint32(credential.counter),
      Buffer.alloc(16), // AAGUID
      Buffer.from([rawId.length >> 8, rawId.length & 0xff]),
      rawId,
      Buffer.from(cosePublicKey),
    ]);
    const clientDataJSON = this.clientData(overrides.type ?? 'webauthn.create', overrides.challenge ?? options.challenge, overrides.origin ?? this.settings.origin);
    const attStmt = new Map<string, number | Uint8Array>();
    let fmt = 'none';
    if (this.settings.attestation === 'packed') {
      // Self attestation: signed with the credential's own key, no certificate (WebAuthn §8.2).
      fmt = 'packed';
      attStmt.set('alg', -7);
      attStmt.set('sig', sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), privateKey));
    }
    const attestationObject = encodeCBOR(new Map<string, string | Uint8Array | Map<string, number | Uint8Array>>([
      ['fmt', fmt],
      ['attStmt', attStmt],
      ['authData', authData],
    ]));
    if (!overrides.reuse) this.credentials.push(credential);
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      clientExtensionResults: {},
      authenticatorAttachment: 'cross-platform',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(attestationObject),
        transports: ['usb'],
      },
    };
  }

  /**
   * `navigator.credentials.get()`: signs with the first credential the options allow (any, for a
   * discoverable ceremony), advancing its counter unless `counter` forces a value.
   */
  get(
    options: { challenge: string; rpId: string; allowCredentials?: { id: string }[] },
    overrides: CeremonyOverrides & { credential?: SoftCredential; counter?: number; userHandle?: string | null } = {},
  ): Record<string, any> {
    const allowed = options.allowCredentials?.map((c) => c.id);
    const credential = overrides.credential ?? this.credentials.find((c) => c.rpId === options.rpId && (!allowed || allowed.includes(c.id)));
    if (!credential) throw new Error('no matching credential');
    credential.counter = overrides.counter ?? credential.counter + 1;
    const authData = Buffer.concat([
      sha256(overrides.rpId ?? options.rpId),
      Buffer.from([flags({ userVerified: this.settings.userVerified ?? true, attested: false })]),
      uint32(credential.counter),
    ]);
    const clientDataJSON = this.clientData(overrides.type ?? 'webauthn.get', overrides.challenge ?? options.challenge, overrides.origin ?? this.settings.origin);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), credential.privateKey);
    const userHandle = overrides.userHandle === undefined ? credential.userHandle : overrides.userHandle;
    const response: Record<string, unknown> = {
      clientDataJSON: b64url(clientDataJSON),
      authenticatorData: b64url(authData),
      signature: b64url(signature),
    };
    // Browsers return the `user.id` bytes base64url-encoded; the server sent the UUID as text and
    // the client decoded it as base64url, so what comes back is that same text.
    if (userHandle !== null) response['userHandle'] = userHandle;
    return { id: credential.id, rawId: credential.id, type: 'public-key', clientExtensionResults: {}, response };
  }
}

