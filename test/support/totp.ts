import { createHmac } from 'node:crypto';
import { expect } from 'vitest';
import type { TestApp } from './app.js';

// TOTP computed here from RFC 6238 itself (not through the server's adapter), so the tests check
// the server against the standard an authenticator app implements.

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Bytes(secret: string): Buffer {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of secret.replace(/=+$/, '')) {
    const index = BASE32.indexOf(ch);
    if (index < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** The six-digit SHA-1 code of a base32 secret at `at`, shifted by `steps` 30-second periods. */
export function totpCode(secret: string, at: Date, steps = 0): string {
  const counter = Math.floor(at.getTime() / 30_000) + steps;
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', base32Bytes(secret)).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}

/** A six-digit code that is none of the codes accepted at `at` (previous, current, next step). */
export function wrongTotpCode(secret: string, at: Date): string {
  const accepted = new Set([-1, 0, 1].map((step) => totpCode(secret, at, step)));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!accepted.has(candidate)) return candidate;
  }
}

/** Generates a secret and activates TOTP with a code of it at the app's clock; returns the secret. */
export async function enrolTotp(t: TestApp, accessToken: string): Promise<string> {
  const generated = await t.request('GET', '/mfa/totp/generate', { token: accessToken });
  expect(generated.status, generated.text).toBe(200);
  const secret: string = generated.body.totpSecret;
  const activated = await t.request('POST', '/user/mfa', { token: accessToken, body: { code: totpCode(secret, t.clock.now()), activeMfaType: 'totp' } });
  expect(activated.status, activated.text).toBe(200);
  return secret;
}

/** Signs in with the password of a user with TOTP active and returns the MFA ticket. */
export async function mfaTicket(t: TestApp, email: string, password: string): Promise<string> {
  const res = await t.request('POST', '/signin/email-password', { body: { email, password } });
  expect(res.status, res.text).toBe(200);
  expect(res.body.mfa?.ticket, res.text).toMatch(/^mfaTotp:/);
  return res.body.mfa.ticket as string;
}
