import type { ConnectionOptions } from 'node:tls';
import nodemailer, { type SMTPTransportOptions } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Config } from '../../config/types.js';
import { MailDeliveryError, type Mailer, type OutgoingEmail } from './mailer.js';
import { TemplateError, type TemplateStore } from './templates.js';

/**
 * SMTP delivery (MESSAGES.md §8): one connection per message, EHLO `hasura-auth`, STARTTLS when
 * the server offers it, then the rendered HTML message with the reference's four `X-` headers.
 */

export type SmtpSettings = Config['email']['smtp'];

export interface SmtpMailerOptions {
  /** Extra TLS options, e.g. a `ca` that tests use to trust a self-signed certificate. */
  tls?: ConnectionOptions;
  timeoutsMs?: { connection?: number; greeting?: number; socket?: number };
}

/** Hosts where the reference let PLAIN and LOGIN send credentials over clear text (§8.2 step 4). */
export const CLEAR_TEXT_AUTH_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '::1', 'mailhog']);

const EHLO_NAME = 'hasura-auth';
const DEFAULT_TIMEOUTS_MS = { connection: 10_000, greeting: 10_000, socket: 30_000 };
const MAX_DETAIL_LENGTH = 200;
const MIN_REDACTED_LENGTH = 4;

/**
 * The nodemailer transport settings for these SMTP settings.
 *
 * The reference always sent AUTH, even with an empty user and password, so a relay that does not
 * offer AUTH could not be used at all; we authenticate only when credentials are configured (and
 * the server offers AUTH, as nodemailer does by default).
 *
 * PLAIN and LOGIN carry the password in clear, so over a connection that did not start with TLS
 * they require a STARTTLS upgrade first, except on the hosts where the reference allowed clear
 * text. CRAM-MD5 never reveals the password and has no such rule.
 */
export function transportOptions(settings: SmtpSettings, options: SmtpMailerOptions = {}): SMTPTransportOptions {
  const hasCredentials = settings.user !== '' || settings.password !== '';
  const sendsPasswordInClear = settings.authMethod === 'PLAIN' || settings.authMethod === 'LOGIN';
  const timeouts = { ...DEFAULT_TIMEOUTS_MS, ...options.timeoutsMs };
  return {
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    name: EHLO_NAME,
    requireTLS: hasCredentials && sendsPasswordInClear && !settings.secure && !CLEAR_TEXT_AUTH_HOSTS.has(settings.host),
    ...(hasCredentials ? { auth: { user: settings.user, pass: settings.password, method: settings.authMethod } } : {}),
    // Certificates are verified against the host (Node's default, with SNI from nodemailer).
    tls: { ...options.tls },
    connectionTimeout: timeouts.connection,
    greetingTimeout: timeouts.greeting,
    socketTimeout: timeouts.socket,
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  };
}

/** The envelope address of `Name <addr>` or `addr` (§8.2 step 5); CR or LF is refused. */
export function envelopeAddress(value: string): string {
  if (/[\r\n]/.test(value)) throw new MailDeliveryError('envelope address contains CR or LF');
  const match = /<([^>]*)>/.exec(value);
  return (match ? match[1]! : value).trim();
}

/** A header value on one line: CR and LF removed (the reference did so only for To and Subject). */
function oneLine(value: string): string {
  return value.replace(/[\r\n]/g, '');
}

/**
 * The `X-` header lines of §8.3, in order. They are written by us rather than by nodemailer: its
 * composer drops any header whose value is empty (the reference always sends `X-Link`, empty for
 * `signin-otp`), and folds long values unless told not to.
 */
export function referenceHeaderLines(email: OutgoingEmail, apiHeader: string): string[] {
  const lines: string[] = [];
  if (apiHeader !== '') lines.push(`X-SMTPAPI: ${oneLine(apiHeader)}`);
  lines.push(
    `X-Ticket: ${oneLine(email.variables.ticket)}`,
    `X-Redirect-To: ${oneLine(email.variables.redirectTo)}`,
    `X-Email-Template: ${oneLine(email.template)}`,
    `X-Link: ${oneLine(email.variables.link)}`,
  );
  return lines;
}

function deliveryError(err: unknown, password: string): MailDeliveryError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; responseCode?: unknown };
  const codes = [typeof e.code === 'string' ? e.code : '', typeof e.responseCode === 'number' ? String(e.responseCode) : ''].filter((c) => c !== '');
  let detail = err instanceof Error ? err.message : String(err);
  // Server replies are quoted in nodemailer's messages; never let one echo the password. (A
  // password of one to three characters cannot be hidden this way without mangling every word.)
  if (password.length >= MIN_REDACTED_LENGTH) detail = detail.split(password).join('***');
  detail = oneLine(detail);
  if (detail.length > MAX_DETAIL_LENGTH) detail = `${detail.slice(0, MAX_DETAIL_LENGTH)}…`;
  return new MailDeliveryError(`SMTP delivery failed${codes.length > 0 ? ` (${codes.join(' ')})` : ''}: ${detail}`, { cause: err });
}

/** A message as it goes over the wire: the SMTP envelope and the raw RFC 5322 bytes. */
export interface ComposedMessage {
  envelope: { from: string; to: string[] };
  raw: Buffer;
}

/**
 * Renders and composes one message: nodemailer's composer for the standard part, preceded by the
 * reference's `X-` lines. A TemplateError (a fault of the installation) propagates as is.
 */
export async function composeMessage(settings: SmtpSettings, templates: TemplateStore, email: OutgoingEmail): Promise<ComposedMessage> {
  const rendered = templates.renderEmail(email.template, email.locale, email.variables);
  const envelope = { from: envelopeAddress(settings.sender), to: [envelopeAddress(email.to)] };
  const composed = await new MailComposer({
    from: settings.sender,
    to: oneLine(email.to),
    subject: rendered.subject,
    html: rendered.html,
    newline: 'win',
    disableFileAccess: true,
    disableUrlAccess: true,
  })
    .compile()
    .build();
  const headers = Buffer.from(`${referenceHeaderLines(email, settings.apiHeader).join('\r\n')}\r\n`, 'utf8');
  return { envelope, raw: Buffer.concat([headers, composed]) };
}

export function createSmtpMailer(settings: SmtpSettings, templates: TemplateStore, options: SmtpMailerOptions = {}): Mailer {
  // Without `pool`, nodemailer opens one connection per message and closes it afterwards.
  const transport = nodemailer.createTransport(transportOptions(settings, options));

  return {
    async send(email) {
      if (settings.host === '') throw new MailDeliveryError('AUTH_SMTP_HOST is not set');
      try {
        await transport.sendMail(await composeMessage(settings, templates, email));
      } catch (err) {
        // Rendering problems are faults of the installation, not of delivery.
        if (err instanceof TemplateError || err instanceof MailDeliveryError) throw err;
        throw deliveryError(err, settings.password);
      }
    },
    async close() {
      transport.close();
    },
  };
}
