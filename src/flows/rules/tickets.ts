/**
 * Tickets (TOKENS.md §9): `<kind>:<uuid v4>` in the user's single ticket slot. The kind is the
 * purpose; every consumer names the kind it accepts, so a ticket of one purpose is never redeemed
 * by another flow.
 */

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Ticket kinds, spelled as their prefix (and as the `type` of the `/verify` success redirect). */
export type TicketKind = 'verifyEmail' | 'passwordlessEmail' | 'passwordReset' | 'emailConfirmChange' | 'mfaTotp';

/** Kinds that `GET /verify` redeems. */
export type LinkTicketKind = Exclude<TicketKind, 'mfaTotp'>;

/** Lifetimes (API.md §1.12.6). */
export const TICKET_TTL_MS: Readonly<Record<TicketKind, number>> = {
  verifyEmail: 30 * DAY_MS,
  passwordlessEmail: HOUR_MS,
  passwordReset: HOUR_MS,
  emailConfirmChange: HOUR_MS,
  mfaTotp: 5 * MINUTE_MS,
};

/** E-mailed one-time codes live an hour, as in the target (API.md §3.3.5). */
export const EMAIL_OTP_TTL_MS = HOUR_MS;

export interface NewTicket {
  ticket: string;
  expiresAt: Date;
}

export function newTicket(kind: TicketKind, uuid: string, now: Date): NewTicket {
  return { ticket: `${kind}:${uuid}`, expiresAt: new Date(now.getTime() + TICKET_TTL_MS[kind]) };
}

const LINK_KINDS: readonly LinkTicketKind[] = ['emailConfirmChange', 'passwordlessEmail', 'verifyEmail', 'passwordReset'];

/**
 * The kind `GET /verify` reads from a ticket's prefix (FLOWS.md §4 step 4): one of the link kinds,
 * `otp` (a prefix the reference recognises and then refuses), or null for anything else.
 */
export function linkTicketKindOf(ticket: string): LinkTicketKind | 'otp' | null {
  for (const kind of LINK_KINDS) if (ticket.startsWith(`${kind}:`)) return kind;
  if (ticket.startsWith('otp:')) return 'otp';
  return null;
}

/** The `type` of an e-mailed link (MESSAGES.md §4), which differs from the ticket kind's spelling. */
export type LinkType = 'emailVerify' | 'signinPasswordless' | 'passwordReset' | 'emailConfirmChange';

export const LINK_TYPE_OF: Readonly<Record<LinkTicketKind, LinkType>> = {
  verifyEmail: 'emailVerify',
  passwordlessEmail: 'signinPasswordless',
  passwordReset: 'passwordReset',
  emailConfirmChange: 'emailConfirmChange',
};

/** A six-digit e-mail code: the only shape `POST /signin/otp/email/verify` accepts (FLOWS.md §9.2). */
export function isEmailOtpShape(value: string): boolean {
  return /^[0-9]{6}$/.test(value);
}

/**
 * The `/verify` link of an e-mail (MESSAGES.md §4): AUTH_SERVER_URL's path joined with `verify`,
 * its own query kept, plus `type`, `ticket`, `redirectTo` and (PKCE) `codeChallenge`, form-encoded
 * with the keys in alphabetical order as the reference writes them.
 */
export function buildVerifyLink(serverUrl: string, input: { type: LinkType; ticket: string; redirectTo: string; codeChallenge?: string | undefined }): string {
  const params: Array<[string, string]> = [['type', input.type], ['ticket', input.ticket], ['redirectTo', input.redirectTo]];
  if (input.codeChallenge !== undefined) params.push(['codeChallenge', input.codeChallenge]);
  if (serverUrl === '') {
    // An empty AUTH_SERVER_URL is accepted at start-up and yields a relative, broken link (CONFIG.md §3).
    const query = new URLSearchParams(params);
    query.sort();
    return `verify?${query.toString()}`;
  }
  const url = new URL(serverUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/verify`;
  for (const [key, value] of params) url.searchParams.set(key, value);
  url.searchParams.sort();
  return url.toString();
}
