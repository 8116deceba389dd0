/**
 * A loopback SMTP server that keeps every message it receives, for tests that drive the real SMTP
 * mailer. A message is parsed before its DATA command is answered, so once the server under test
 * has answered the HTTP request that sent it, the message is already in `messages`.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export interface CapturedMail {
  /** Addresses of the `To` header. */
  to: string[];
  /** The address of the `From` header, without its display name (see `headers.from` for the whole value). */
  from: string;
  subject: string;
  html: string;
  raw: string;
  /** Lower-case names → value as received (unfolded); the first one when a header repeats. */
  headers: Record<string, string>;
  /** The four reference headers (MESSAGES.md §8.3); `''` when absent. */
  ticket: string;
  link: string;
  template: string;
  redirectTo: string;
  envelope: { mailFrom: string; rcptTo: string[] };
  auth: { method: string; username: string; password: string } | null;
  /** The name the client gave with EHLO/HELO. */
  helo: string;
}

export interface Mailbox {
  readonly port: number;
  /**
   * Settings that point the server at this mailbox: AUTH_SMTP_HOST=127.0.0.1, AUTH_SMTP_PORT,
   * AUTH_SMTP_SENDER (plus AUTH_SMTP_USER and AUTH_SMTP_PASS of the first user when `users` is given).
   */
  readonly env: Record<string, string>;
  readonly messages: CapturedMail[];
  /** Messages to this address (case-insensitive), oldest first. */
  to(address: string): CapturedMail[];
  /** The most recent message to this address; throws a helpful error when there is none. */
  last(address: string): CapturedMail;
  /** Resolves with the next message to the address, or rejects after timeoutMs (default 5000). */
  next(address: string, timeoutMs?: number): Promise<CapturedMail>;
  clear(): void;
  /** Make the server answer 550 to every RCPT TO (true) or accept again (false). */
  refuse(isRefusing: boolean): void;
  /** Stop listening (new connections are refused) / listen again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface MailboxOptions {
  /** Only these user → password pairs may log in, and logging in becomes mandatory. */
  users?: Record<string, string>;
  /** SASL mechanisms offered; all three the server supports by default. */
  authMethods?: string[];
}

const HOST = '127.0.0.1';
export const MAILBOX_SENDER = 'Latchkey <no-reply@latchkey.test>';

interface Waiter {
  address: string;
  resolve(mail: CapturedMail): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

type SessionAuth = NonNullable<CapturedMail['auth']>;

export async function startMailbox(options: MailboxOptions = {}): Promise<Mailbox> {
  const users = options.users;
  const messages: CapturedMail[] = [];
  let waiters: Waiter[] = [];
  let isRefusing = false;
  let isListening = false;

  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: users === undefined,
    authMethods: options.authMethods ?? ['PLAIN', 'LOGIN', 'CRAM-MD5'],
    closeTimeout: 200,
    onAuth(auth, _session, callback) {
      const accepted = checkAuth(auth, users);
      if (accepted === null) return callback(null, { message: 'Invalid username or password', responseCode: 535 });
      callback(null, { user: accepted });
    },
    onRcptTo(_address, _session, callback) {
      if (!isRefusing) return callback();
      callback(Object.assign(new Error('Mailbox refuses all recipients'), { responseCode: 550 }));
    },
    onData(stream, session, callback) {
      readMessage(stream, session).then(
        (mail) => {
          messages.push(mail);
          deliverToWaiters(mail);
          callback();
        },
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      );
    },
  });
  server.on('error', () => {
    // A client that drops its connection is not a test failure; the mailer reports its own errors.
  });

  function deliverToWaiters(mail: CapturedMail): void {
    const remaining: Waiter[] = [];
    for (const waiter of waiters) {
      if (isAddressedTo(mail, waiter.address)) {
        clearTimeout(waiter.timer);
        waiter.resolve(mail);
      } else remaining.push(waiter);
    }
    waiters = remaining;
  }

  function listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, HOST, () => {
        server.server.off('error', reject);
        isListening = true;
        resolve();
      });
    });
  }

  function stopListening(): Promise<void> {
    if (!isListening) return Promise.resolve();
    isListening = false;
    return new Promise((resolve) =>
      server.close(() => {
        // smtp-server keeps its close timer set after close(); while it is set, every command on a
        // new connection gets "421 Server shutting down", so a restarted mailbox would refuse all mail.
        (server as unknown as { _closeTimeout: unknown })._closeTimeout = false;
        resolve();
      }),
    );
  }

  await listen(0);
  const port = (server.server.address() as AddressInfo).port;
  const env: Record<string, string> = { AUTH_SMTP_HOST: HOST, AUTH_SMTP_PORT: String(port), AUTH_SMTP_SECURE: 'false', AUTH_SMTP_SENDER: MAILBOX_SENDER };
  const firstUser = users === undefined ? undefined : Object.entries(users)[0];
  if (firstUser !== undefined) Object.assign(env, { AUTH_SMTP_USER: firstUser[0], AUTH_SMTP_PASS: firstUser[1] });

  const to = (address: string): CapturedMail[] => messages.filter((m) => isAddressedTo(m, address));

  return {
    port,
    env,
    messages,
    to,
    last(address) {
      const list = to(address);
      const mail = list[list.length - 1];
      if (mail === undefined) throw new Error(`no message to ${address}; the mailbox holds ${describe(messages)}`);
      return mail;
    },
    next(address, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w.timer !== timer);
          reject(new Error(`no message to ${address} within ${timeoutMs} ms; the mailbox holds ${describe(messages)}`));
        }, timeoutMs);
        waiters.push({ address, resolve, reject, timer });
      });
    },
    clear() {
      messages.length = 0;
    },
    refuse(value) {
      isRefusing = value;
    },
    stop: stopListening,
    async start() {
      if (!isListening) await listen(port);
    },
    async close() {
      for (const waiter of waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error(`mailbox closed while waiting for a message to ${waiter.address}`));
      }
      waiters = [];
      await stopListening();
    },
  };
}

/** The session's login, or null to refuse it. Without `users` anything is accepted. */
function checkAuth(auth: SMTPServerAuthentication, users: Record<string, string> | undefined): SessionAuth | null {
  const username = auth.username ?? '';
  if (auth.method === 'CRAM-MD5') {
    // CRAM-MD5 never reveals the password: check the response against the one we know.
    if (users === undefined) return { method: auth.method, username, password: '' };
    const password = Object.hasOwn(users, username) ? users[username]! : undefined;
    return password !== undefined && auth.validatePassword(password) ? { method: auth.method, username, password } : null;
  }
  const password = auth.password ?? '';
  if (users !== undefined && !(Object.hasOwn(users, username) && users[username] === password)) return null;
  return { method: auth.method, username, password };
}

async function readMessage(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<CapturedMail> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const rawBuffer = Buffer.concat(chunks);
  const parsed = await simpleParser(rawBuffer);
  const raw = rawBuffer.toString('utf8');
  const headers = readHeaders(raw);
  const toHeader = parsed.to === undefined ? [] : Array.isArray(parsed.to) ? parsed.to : [parsed.to];
  const sessionAuth = session.user as SessionAuth | undefined;
  return {
    to: addresses(toHeader),
    from: addresses(parsed.from === undefined ? [] : [parsed.from])[0] ?? '',
    subject: parsed.subject ?? '',
    html: parsed.html === false || parsed.html === undefined ? '' : parsed.html,
    raw,
    headers,
    ticket: headers['x-ticket'] ?? '',
    link: headers['x-link'] ?? '',
    template: headers['x-email-template'] ?? '',
    redirectTo: headers['x-redirect-to'] ?? '',
    envelope: {
      mailFrom: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
      rcptTo: session.envelope.rcptTo.map((r) => r.address),
    },
    auth: sessionAuth ?? null,
    helo: session.hostNameAppearsAs || '',
  };
}

/** The header block, unfolded (a line break before white space removed), as name → value. */
function readHeaders(raw: string): Record<string, string> {
  const end = raw.search(/\r?\n\r?\n/);
  const block = (end === -1 ? raw : raw.slice(0, end)).replace(/\r?\n(?=[ \t])/g, '');
  const headers: Record<string, string> = {};
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!Object.hasOwn(headers, name)) headers[name] = line.slice(colon + 1).replace(/^[ \t]+/, '');
  }
  return headers;
}

function addresses(objects: AddressObject[]): string[] {
  return objects.flatMap((o) => o.value.flatMap((a) => (a.group ? a.group : [a]))).flatMap((a) => (a.address === undefined ? [] : [a.address]));
}

function isAddressedTo(mail: CapturedMail, address: string): boolean {
  const wanted = address.toLowerCase();
  return [...mail.envelope.rcptTo, ...mail.to].some((a) => a.toLowerCase() === wanted);
}

function describe(messages: CapturedMail[]): string {
  if (messages.length === 0) return 'no messages';
  return messages.map((m) => `${m.template || '?'} → ${m.envelope.rcptTo.join(', ')}`).join('; ');
}
