import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { TestApp } from './app.js';
import type { CapturedMail } from './mailbox.js';

/**
 * Opens an e-mailed link against this app, as a browser would, and returns where it redirects.
 * Only the link's query is used, so links built from AUTH_SERVER_URL reach the test server.
 */
export async function followLink(t: TestApp, link: string | CapturedMail): Promise<URL> {
  const url = new URL(typeof link === 'string' ? link : link.link);
  const res = await fetch(`${t.baseUrl}/verify${url.search}`, { redirect: 'manual' });
  expect(res.status, await res.clone().text()).toBe(302);
  return new URL(res.headers.get('location')!);
}

/** The S256 PKCE challenge of a verifier: base64url(SHA-256(verifier)) without padding. */
export function challengeOf(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** A fresh PKCE verifier (43 characters) and its challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: challengeOf(verifier) };
}
