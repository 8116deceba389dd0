import { describe, expect, it } from 'vitest';
import { isEmailAllowed, type EmailAccessLists } from './email-access.js';

const none: EmailAccessLists = { blockedEmails: [], allowedEmails: [], blockedDomains: [], allowedDomains: [] };

describe('isEmailAllowed', () => {
  // The example of API.md §1.12.3.
  const lists: EmailAccessLists = {
    blockedDomains: ['blocked.com'],
    blockedEmails: ['evil@acme.com'],
    allowedDomains: ['acme.com'],
    allowedEmails: ['good@blocked.com'],
  };

  it.each([
    ['good@blocked.com', true, 'an allowed e-mail wins over its blocked domain'],
    ['evil@acme.com', false, 'a blocked e-mail wins over its allowed domain'],
    ['asd@acme.com', true, 'an allowed domain'],
    ['random@company.com', false, 'neither list, while allow-lists exist'],
    ['other@blocked.com', false, 'a blocked domain'],
  ])('%s → %s (%s)', (email, allowed) => {
    expect(isEmailAllowed(lists, email)).toBe(allowed);
  });

  it('allows every well-formed address when all lists are empty', () => {
    expect(isEmailAllowed(none, 'anyone@anywhere.com')).toBe(true);
  });

  it.each(['', 'no-at-sign', 'a@b@c.com'])('refuses %j, which does not split into two parts', (email) => {
    expect(isEmailAllowed(none, email)).toBe(false);
  });

  it('only splits: "@" passes when no allow-list is set', () => {
    expect(isEmailAllowed(none, '@')).toBe(true);
  });

  it('compares case-sensitively, as the reference does', () => {
    expect(isEmailAllowed({ ...none, blockedEmails: ['evil@acme.com'] }, 'Evil@acme.com')).toBe(true);
    expect(isEmailAllowed({ ...none, blockedDomains: ['acme.com'] }, 'a@ACME.com')).toBe(true);
    expect(isEmailAllowed({ ...none, allowedDomains: ['acme.com'] }, 'a@ACME.com')).toBe(false);
  });

  it('matches whole domains, not suffixes', () => {
    expect(isEmailAllowed({ ...none, allowedDomains: ['acme.com'] }, 'a@sub.acme.com')).toBe(false);
    expect(isEmailAllowed({ ...none, blockedDomains: ['acme.com'] }, 'a@notacme.com')).toBe(true);
  });

  it('refuses an address on neither list when only the allowed e-mails list is set', () => {
    expect(isEmailAllowed({ ...none, allowedEmails: ['a@x.com'] }, 'b@x.com')).toBe(false);
    expect(isEmailAllowed({ ...none, allowedEmails: ['a@x.com'] }, 'a@x.com')).toBe(true);
  });
});
