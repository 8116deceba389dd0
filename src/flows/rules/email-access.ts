/**
 * The four e-mail access-control lists (AUTH_ACCESS_CONTROL_{BLOCKED,ALLOWED}_{EMAILS,EMAIL_DOMAINS}),
 * already split on commas with empty items dropped.
 */
export interface EmailAccessLists {
  readonly blockedEmails: readonly string[];
  readonly allowedEmails: readonly string[];
  readonly blockedDomains: readonly string[];
  readonly allowedDomains: readonly string[];
}

/**
 * E-mail access control (API.md §1.12.3). Comparisons are exact and case-sensitive, as in the
 * reference; an address that does not split into exactly two parts on `@` (the empty string
 * included) is refused.
 */
export function isEmailAllowed(lists: EmailAccessLists, email: string): boolean {
  const parts = email.split('@');
  if (parts.length !== 2) return false;
  const domain = parts[1] ?? '';
  if (lists.blockedEmails.includes(email)) return false;
  if (lists.allowedEmails.includes(email)) return true;
  if (lists.blockedDomains.includes(domain)) return false;
  if (lists.allowedDomains.includes(domain)) return true;
  return lists.allowedEmails.length === 0 && lists.allowedDomains.length === 0;
}
