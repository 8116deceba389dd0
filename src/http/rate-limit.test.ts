import { describe, expect, it } from 'vitest';
import { limitClassesOf, routePathOf } from './rate-limit.js';
import { isTurnstileProtected } from './turnstile.js';

describe('limitClassesOf', () => {
  it('classifies as the target does (API.md §1.11.2, API-NEWER.md §2.1)', () => {
    expect(limitClassesOf('/healthz', true)).toEqual([]);
    expect(limitClassesOf('/signin/passwordless/email', false)).toEqual(['email', 'bruteForce']);
    expect(limitClassesOf('/signin/passwordless/sms', true)).toEqual(['sms', 'bruteForce']);
    expect(limitClassesOf('/signin/otp/email', true)).toEqual(['bruteForce']);
    expect(limitClassesOf('/signup/email-password', true)).toEqual(['email', 'signups']);
    expect(limitClassesOf('/signup/email-password', false)).toEqual(['signups']);
    expect(limitClassesOf('/signup/webauthn/verify', true)).toEqual(['bruteForce', 'signups']);
    expect(limitClassesOf('/user/deanonymize', true)).toEqual(['email']);
    expect(limitClassesOf('/user/deanonymize', false)).toEqual([]);
    expect(limitClassesOf('/user/password/reset', false)).toEqual(['email']);
    expect(limitClassesOf('/verify', true)).toEqual(['bruteForce']);
    expect(limitClassesOf('/oauth2/login', true)).toEqual(['bruteForce']);
    expect(limitClassesOf('/oauth2/token', true)).toEqual(['oauth2Server']);
    expect(limitClassesOf('/token/exchange', true)).toEqual([]);
  });
});

describe('routePathOf', () => {
  it('drops the query and the API prefix, but only a whole prefix segment', () => {
    expect(routePathOf('/v1/signin/email-password?x=1', '/v1')).toBe('/signin/email-password');
    expect(routePathOf('/v10/signin', '/v1')).toBe('/v10/signin');
    expect(routePathOf('/healthz', '/v1')).toBe('/healthz');
    expect(routePathOf('/signup/email-password', '')).toBe('/signup/email-password');
  });
});

describe('isTurnstileProtected', () => {
  it('covers sign-ups, passwordless sign-ins and the reset request, except verify and callback steps', () => {
    for (const path of ['/signup/email-password', '/signup/webauthn', '/signin/passwordless/email', '/signin/passwordless/sms', '/signin/passwordless/sms/otp', '/user/password/reset']) {
      expect(isTurnstileProtected(path), path).toBe(true);
    }
    for (const path of ['/signup/webauthn/verify', '/signin/email-password', '/signin/otp/email', '/user/password', '/signin/provider/github/callback', '/signup']) {
      expect(isTurnstileProtected(path), path).toBe(false);
    }
  });
});
