import { describe, expect, it } from 'vitest';
import { buildVerifyLink, isEmailOtpShape, linkTicketKindOf, newTicket, TICKET_TTL_MS } from './tickets.js';

describe('tickets', () => {
  it('prefixes a ticket with its kind and dates its expiry from now', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const t = newTicket('passwordReset', '0b7c1d52-4f3e-4a61-9f0e-2d5b8c9a7e11', now);
    expect(t.ticket).toBe('passwordReset:0b7c1d52-4f3e-4a61-9f0e-2d5b8c9a7e11');
    expect(t.expiresAt.getTime() - now.getTime()).toBe(60 * 60 * 1000);
    expect(TICKET_TTL_MS.verifyEmail).toBe(30 * 24 * 60 * 60 * 1000);
    expect(TICKET_TTL_MS.mfaTotp).toBe(5 * 60 * 1000);
  });

  it('reads the kind /verify acts on from the prefix only', () => {
    expect(linkTicketKindOf('verifyEmail:x')).toBe('verifyEmail');
    expect(linkTicketKindOf('passwordlessEmail:x')).toBe('passwordlessEmail');
    expect(linkTicketKindOf('passwordReset:x')).toBe('passwordReset');
    expect(linkTicketKindOf('emailConfirmChange:x')).toBe('emailConfirmChange');
    expect(linkTicketKindOf('otp:123456')).toBe('otp');
    expect(linkTicketKindOf('mfaTotp:x')).toBeNull();
    expect(linkTicketKindOf('123456')).toBeNull();
    expect(linkTicketKindOf('VerifyEmail:x')).toBeNull();
    expect(linkTicketKindOf('verifyEmail')).toBeNull();
  });

  it('accepts only six ASCII digits as an e-mail code', () => {
    expect(isEmailOtpShape('012345')).toBe(true);
    expect(isEmailOtpShape('12345')).toBe(false);
    expect(isEmailOtpShape('1234567')).toBe(false);
    expect(isEmailOtpShape('mfaTotp:0b7c1d52-4f3e-4a61-9f0e-2d5b8c9a7e11')).toBe(false);
    expect(isEmailOtpShape('１２３４５６')).toBe(false);
    expect(isEmailOtpShape('123456\n')).toBe(false);
  });
});

describe('buildVerifyLink', () => {
  const ticket = 'passwordReset:0b7c1d52-4f3e-4a61-9f0e-2d5b8c9a7e11';

  it('matches the reference example byte for byte', () => {
    expect(buildVerifyLink('https://auth.example.com', { type: 'passwordReset', ticket, redirectTo: 'https://app.example.com/welcome' })).toBe(
      'https://auth.example.com/verify?redirectTo=https%3A%2F%2Fapp.example.com%2Fwelcome&ticket=passwordReset%3A0b7c1d52-4f3e-4a61-9f0e-2d5b8c9a7e11&type=passwordReset',
    );
  });

  it('joins the server path with a single slash and keeps the server query', () => {
    expect(buildVerifyLink('https://example.com/api/auth/', { type: 'emailVerify', ticket: 't', redirectTo: 'r' })).toBe(
      'https://example.com/api/auth/verify?redirectTo=r&ticket=t&type=emailVerify',
    );
    expect(buildVerifyLink('https://example.com/v1?tenant=a', { type: 'emailVerify', ticket: 't', redirectTo: 'r' })).toBe(
      'https://example.com/v1/verify?redirectTo=r&tenant=a&ticket=t&type=emailVerify',
    );
  });

  it('carries a PKCE challenge in sorted position and form-encodes spaces', () => {
    const link = buildVerifyLink('http://127.0.0.1:4000', { type: 'signinPasswordless', ticket: 't', redirectTo: 'http://a/b c', codeChallenge: 'C'.repeat(43) });
    expect(link).toBe(`http://127.0.0.1:4000/verify?codeChallenge=${'C'.repeat(43)}&redirectTo=http%3A%2F%2Fa%2Fb+c&ticket=t&type=signinPasswordless`);
  });

  it('yields a relative link when AUTH_SERVER_URL is empty, as the reference does', () => {
    expect(buildVerifyLink('', { type: 'emailVerify', ticket: 't', redirectTo: 'r' })).toBe('verify?redirectTo=r&ticket=t&type=emailVerify');
  });
});
