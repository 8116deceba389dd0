import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMailbox, type Mailbox } from '../../../test/support/mailbox.js';
import { MailDeliveryError, type OutgoingEmail } from './mailer.js';
import { createSmtpMailer, envelopeAddress, transportOptions, type SmtpSettings } from './smtp-mailer.js';
import { createTemplateStore, TemplateError, type TemplateStore } from './templates.js';

const templates: TemplateStore = createTemplateStore({
  folders: [
    {
      dir: '/in-memory',
      files: new Map([
        ['en/email-verify/subject.txt', 'Verify your email'],
        ['en/email-verify/body.html', '<p>Hello ${displayName}, <a href="${link}">verify</a></p>\n<p>Ticket ${ticket}</p>'],
        ['en/signin-otp/subject.txt', 'Your code'],
        ['en/signin-otp/body.html', '<p>Code ${ticket}</p>'],
      ]),
    },
  ],
  defaultLocale: 'en',
});

const LONG_LINK = `http://localhost:4000/verify?ticket=verifyEmail%3A${'a1b2c3d4'.repeat(40)}&type=emailVerify&redirectTo=${encodeURIComponent('http://localhost:3000/welcome?from=mail')}`;

function email(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    template: 'email-verify',
    to: 'bob@example.com',
    locale: 'en',
    variables: {
      link: LONG_LINK,
      displayName: 'Bob',
      email: 'bob@example.com',
      newEmail: '',
      ticket: 'verifyEmail:5d5e9bd7-5f7e-4a3b-9a8e-0b1c2d3e4f50',
      redirectTo: 'http://localhost:3000/welcome?from=mail',
      serverUrl: 'http://localhost:4000',
      clientUrl: 'http://localhost:3000',
    },
    ...overrides,
  };
}

function settings(overrides: Partial<SmtpSettings> = {}): SmtpSettings {
  return {
    host: '127.0.0.1',
    port: 0,
    secure: false,
    user: '',
    password: '',
    sender: 'Latchkey <no-reply@latchkey.test>',
    authMethod: 'PLAIN',
    apiHeader: '',
    ...overrides,
  };
}

/** The header lines of a raw message, one entry per physical line. */
function headerLines(raw: string): string[] {
  return raw.slice(0, raw.indexOf('\r\n\r\n')).split('\r\n');
}

describe('transportOptions', () => {
  it('requires STARTTLS before PLAIN or LOGIN credentials go to a remote host', () => {
    for (const authMethod of ['PLAIN', 'LOGIN'] as const) {
      expect(transportOptions(settings({ host: 'smtp.example.com', user: 'u', password: 'p', authMethod })).requireTLS).toBe(true);
    }
  });

  it('does not require STARTTLS for the hosts where the reference allowed clear text', () => {
    for (const host of ['localhost', '127.0.0.1', '::1', 'mailhog']) {
      expect(transportOptions(settings({ host, user: 'u', password: 'p' })).requireTLS).toBe(false);
    }
    expect(transportOptions(settings({ host: 'mailhog.local', user: 'u', password: 'p' })).requireTLS).toBe(true);
  });

  it('does not require STARTTLS for CRAM-MD5, implicit TLS or a session without credentials', () => {
    expect(transportOptions(settings({ host: 'smtp.example.com', user: 'u', password: 'p', authMethod: 'CRAM-MD5' })).requireTLS).toBe(false);
    expect(transportOptions(settings({ host: 'smtp.example.com', user: 'u', password: 'p', secure: true })).requireTLS).toBe(false);
    expect(transportOptions(settings({ host: 'smtp.example.com' })).requireTLS).toBe(false);
  });

  it('authenticates only when a user or a password is set, with the configured mechanism', () => {
    expect(transportOptions(settings()).auth).toBeUndefined();
    expect(transportOptions(settings({ password: 'p' })).auth).toEqual({ user: '', pass: 'p', method: 'PLAIN' });
    expect(transportOptions(settings({ user: 'u', authMethod: 'LOGIN' })).auth).toEqual({ user: 'u', pass: '', method: 'LOGIN' });
  });

  it('introduces itself as hasura-auth, refuses file and URL content and uses the default timeouts', () => {
    const options = transportOptions(settings());
    expect(options).toMatchObject({ name: 'hasura-auth', disableFileAccess: true, disableUrlAccess: true });
    expect(options).toMatchObject({ connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
    expect(transportOptions(settings(), { timeoutsMs: { socket: 5 } })).toMatchObject({ connectionTimeout: 10_000, socketTimeout: 5 });
  });
});

describe('envelopeAddress', () => {
  it('takes the address between angle brackets, or the whole value', () => {
    expect(envelopeAddress('Latchkey <no-reply@latchkey.test>')).toBe('no-reply@latchkey.test');
    expect(envelopeAddress('no-reply@latchkey.test')).toBe('no-reply@latchkey.test');
  });

  it('refuses CR and LF', () => {
    expect(() => envelopeAddress('a@b.test\r\nRCPT TO:<c@d.test>')).toThrow(MailDeliveryError);
  });
});

describe('createSmtpMailer with a plain-text relay', () => {
  let mailbox: Mailbox;
  beforeAll(async () => {
    mailbox = await startMailbox();
  });
  afterEach(async () => {
    mailbox.clear();
    mailbox.refuse(false);
    await mailbox.start();
  });
  afterAll(async () => {
    await mailbox.close();
  });

  const local = (overrides: Partial<SmtpSettings> = {}) => settings({ port: mailbox.port, ...overrides });

  it('delivers the rendered message with the four reference headers', async () => {
    await createSmtpMailer(local(), templates).send(email());
    const mail = mailbox.last('bob@example.com');
    expect(mail.ticket).toBe('verifyEmail:5d5e9bd7-5f7e-4a3b-9a8e-0b1c2d3e4f50');
    expect(mail.redirectTo).toBe('http://localhost:3000/welcome?from=mail');
    expect(mail.template).toBe('email-verify');
    expect(mail.link).toBe(LONG_LINK);
    expect(mail.subject).toBe('Verify your email');
    expect(mail.html).toBe(`<p>Hello Bob, <a href="${LONG_LINK}">verify</a></p>\n<p>Ticket verifyEmail:5d5e9bd7-5f7e-4a3b-9a8e-0b1c2d3e4f50</p>\n`);
    expect(mail.to).toEqual(['bob@example.com']);
    expect(mail.from).toBe('no-reply@latchkey.test');
    expect(mail.headers['from']).toBe('Latchkey <no-reply@latchkey.test>');
    expect(mail.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(mail.helo).toBe('hasura-auth');
  });

  it('writes each reference header on one line, however long, before the standard headers', async () => {
    expect(LONG_LINK.length).toBeGreaterThan(300);
    await createSmtpMailer(local(), templates).send(email());
    const lines = headerLines(mailbox.last('bob@example.com').raw);
    expect(lines.slice(0, 4)).toEqual([
      'X-Ticket: verifyEmail:5d5e9bd7-5f7e-4a3b-9a8e-0b1c2d3e4f50',
      'X-Redirect-To: http://localhost:3000/welcome?from=mail',
      'X-Email-Template: email-verify',
      `X-Link: ${LONG_LINK}`,
    ]);
    expect(lines.some((l) => l.startsWith('X-SMTPAPI'))).toBe(false);
  });

  it('keeps an empty X-Link header (signin-otp has no link)', async () => {
    const otp = email({ template: 'signin-otp', variables: { ...email().variables, link: '', ticket: '123456' } });
    await createSmtpMailer(local(), templates).send(otp);
    const mail = mailbox.last('bob@example.com');
    expect(headerLines(mail.raw)).toContain('X-Link: ');
    expect(mail.headers['x-link']).toBe('');
    expect(mail.ticket).toBe('123456');
  });

  it('puts X-SMTPAPI first when it is configured', async () => {
    const apiHeader = JSON.stringify({ category: ['auth'], filters: { clicktrack: { settings: { enable: 0, enable_text: false } } }, unique_args: { x: 'y'.repeat(200) } });
    await createSmtpMailer(local({ apiHeader }), templates).send(email());
    const lines = headerLines(mailbox.last('bob@example.com').raw);
    expect(lines[0]).toBe(`X-SMTPAPI: ${apiHeader}`);
    expect(lines[1]).toMatch(/^X-Ticket: /);
  });

  it('removes CR and LF from header values', async () => {
    const sneaky = email({ variables: { ...email().variables, redirectTo: 'http://localhost:3000/\r\nBcc: eve@example.com' } });
    await createSmtpMailer(local(), templates).send(sneaky);
    const mail = mailbox.last('bob@example.com');
    expect(mail.redirectTo).toBe('http://localhost:3000/Bcc: eve@example.com');
    expect(mail.headers['bcc']).toBeUndefined();
  });

  it('uses the address inside the sender for MAIL FROM and the recipient for RCPT TO', async () => {
    await createSmtpMailer(local({ sender: 'Latchkey Team <team@latchkey.test>' }), templates).send(email());
    const mail = mailbox.last('bob@example.com');
    expect(mail.envelope).toEqual({ mailFrom: 'team@latchkey.test', rcptTo: ['bob@example.com'] });
    expect(mail.headers['from']).toBe('Latchkey Team <team@latchkey.test>');
  });

  it('does not authenticate without credentials', async () => {
    await createSmtpMailer(local(), templates).send(email());
    expect(mailbox.last('bob@example.com').auth).toBeNull();
  });

  it('sends no text alternative', async () => {
    await createSmtpMailer(local(), templates).send(email());
    const mail = mailbox.last('bob@example.com');
    expect(mail.raw).not.toMatch(/multipart|text\/plain/i);
  });

  it('ends every line with CRLF', async () => {
    await createSmtpMailer(local(), templates).send(email());
    expect(mailbox.last('bob@example.com').raw).not.toMatch(/[^\r]\n/);
  });

  it('is seen by a mailbox waiting for the recipient, whatever the case of the address', async () => {
    const next = mailbox.next('BOB@example.com');
    await createSmtpMailer(local(), templates).send(email());
    expect((await next).template).toBe('email-verify');
    expect(mailbox.to('Bob@Example.com')).toHaveLength(1);
    await expect(mailbox.next('nobody@example.com', 50)).rejects.toThrow(/no message to nobody@example.com/);
  });

  it('turns a refused recipient into a MailDeliveryError', async () => {
    mailbox.refuse(true);
    const error = await createSmtpMailer(local(), templates).send(email()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect((error as Error).message).toContain('550');
    expect((error as Error).cause).toBeDefined();
    expect(mailbox.messages).toEqual([]);
  });

  it('turns a refused connection into a MailDeliveryError without the password', async () => {
    await mailbox.stop();
    const error = await createSmtpMailer(local({ user: 'u', password: 'hunter2-secret' }), templates).send(email()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect((error as Error).message).toMatch(/ECONNECTION|ESOCKET|ECONNREFUSED/);
    expect((error as Error).message).not.toContain('hunter2-secret');
  });

  it('lets a template error through instead of reporting a delivery failure', async () => {
    const error = await createSmtpMailer(local(), templates)
      .send(email({ template: 'password-reset' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
  });
});

describe('createSmtpMailer without a host', () => {
  it('fails without connecting anywhere', async () => {
    let connections = 0;
    const listener = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    try {
      const port = (listener.address() as AddressInfo).port;
      const error = await createSmtpMailer(settings({ host: '', port }), templates).send(email()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailDeliveryError);
      expect((error as Error).message).toBe('AUTH_SMTP_HOST is not set');
      expect(connections).toBe(0);
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });
});

describe('createSmtpMailer authentication', () => {
  let mailbox: Mailbox;
  beforeAll(async () => {
    mailbox = await startMailbox({ users: { alice: 'correct horse' } });
  });
  afterAll(async () => {
    await mailbox.close();
  });

  it.each(['PLAIN', 'LOGIN', 'CRAM-MD5'] as const)('logs in with %s', async (authMethod) => {
    await createSmtpMailer(settings({ port: mailbox.port, user: 'alice', password: 'correct horse', authMethod }), templates).send(email());
    expect(mailbox.last('bob@example.com').auth).toEqual({ method: authMethod, username: 'alice', password: 'correct horse' });
  });

  it.each(['PLAIN', 'LOGIN', 'CRAM-MD5'] as const)('reports a %s login refusal without the password', async (authMethod) => {
    const error = await createSmtpMailer(settings({ port: mailbox.port, user: 'alice', password: 'wrong-secret', authMethod }), templates)
      .send(email())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect((error as Error).message).toContain('EAUTH');
    expect((error as Error).message).toContain('535');
    expect((error as Error).message).not.toContain('wrong-secret');
  });

  it('hides the password even when the server quotes it back', async () => {
    const echo = new SMTPServer({
      logger: false,
      disableReverseLookup: true,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        callback(null, { message: `no such user/password: ${auth.username}/${auth.password ?? ''}`, responseCode: 535 });
      },
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    try {
      const port = (echo.server.address() as AddressInfo).port;
      const error = await createSmtpMailer(settings({ port, user: 'alice', password: 'echoed-secret' }), templates)
        .send(email())
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailDeliveryError);
      expect((error as Error).message).toContain('alice/***');
      expect((error as Error).message).not.toContain('echoed-secret');
    } finally {
      await new Promise<void>((resolve) => echo.close(() => resolve()));
    }
  });

  it('fails when the relay requires a login and none is configured', async () => {
    const error = await createSmtpMailer(settings({ port: mailbox.port }), templates).send(email()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailDeliveryError);
  });
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe.skipIf(!hasOpenssl)('createSmtpMailer over TLS (needs the openssl command to make a test certificate)', () => {
  let dir: string;
  let key: Buffer;
  let cert: Buffer;
  let otherCert: Buffer;
  const servers: SMTPServer[] = [];

  function makeCertificate(name: string): void {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', path.join(dir, `${name}.key`), '-out', path.join(dir, `${name}.crt`)], { stdio: 'ignore' });
  }

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'latchkey-smtp-tls-'));
    makeCertificate('server');
    makeCertificate('other');
    key = readFileSync(path.join(dir, 'server.key'));
    cert = readFileSync(path.join(dir, 'server.crt'));
    otherCert = readFileSync(path.join(dir, 'other.crt'));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    rmSync(dir, { recursive: true, force: true });
  });

  /** A TLS-capable server that reports, for each message, whether the session was encrypted. */
  async function startTlsServer(secure: boolean): Promise<{ port: number; secureSessions: boolean[] }> {
    const secureSessions: boolean[] = [];
    const server = new SMTPServer({
      secure,
      key,
      cert,
      logger: false,
      disableReverseLookup: true,
      authOptional: true,
      closeTimeout: 200,
      onData(stream, session: SMTPServerSession, callback) {
        stream.resume();
        stream.on('end', () => {
          secureSessions.push(session.secure);
          callback();
        });
      },
    });
    server.on('error', () => {});
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { port: (server.server.address() as AddressInfo).port, secureSessions };
  }

  it('sends over implicit TLS, verifying the certificate', async () => {
    const server = await startTlsServer(true);
    await createSmtpMailer(settings({ port: server.port, secure: true }), templates, { tls: { ca: cert } }).send(email());
    expect(server.secureSessions).toEqual([true]);
  });

  it('upgrades with STARTTLS when the server offers it', async () => {
    const server = await startTlsServer(false);
    await createSmtpMailer(settings({ port: server.port }), templates, { tls: { ca: cert } }).send(email());
    expect(server.secureSessions).toEqual([true]);
  });

  it.each([true, false])('refuses a certificate it cannot verify (implicit TLS: %s)', async (secure) => {
    const server = await startTlsServer(secure);
    const error = await createSmtpMailer(settings({ port: server.port, secure }), templates, { tls: { ca: otherCert } })
      .send(email())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect(server.secureSessions).toEqual([]);
  });
});
