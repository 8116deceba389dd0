import http, { type IncomingHttpHeaders } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MailDeliveryError, type OutgoingEmail } from './mailer.js';
import { createPostmarkMailer } from './postmark-mailer.js';

interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const email: OutgoingEmail = {
  template: 'password-reset',
  to: 'bob@example.com',
  locale: 'fr',
  variables: {
    link: 'http://localhost:4000/verify?ticket=passwordReset%3Aabc&type=passwordReset&redirectTo=http%3A%2F%2Flocalhost%3A3000',
    displayName: 'Bob',
    email: 'bob@example.com',
    newEmail: '',
    ticket: 'passwordReset:abc',
    redirectTo: 'http://localhost:3000',
    serverUrl: 'http://localhost:4000',
    clientUrl: 'http://localhost:3000',
  },
};

describe('createPostmarkMailer', () => {
  const received: ReceivedRequest[] = [];
  let reply: { status: number; body: string } = { status: 200, body: '{"ErrorCode":0,"Message":"OK"}' };
  let server: http.Server;
  let baseUrl: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(reply.status, { 'Content-Type': 'application/json' }).end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    received.length = 0;
    reply = { status: 200, body: '{"ErrorCode":0,"Message":"OK"}' };
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const mailer = () => createPostmarkMailer({ serverToken: 'server-token-1', sender: 'Latchkey <no-reply@latchkey.test>', baseUrl });

  it('posts the template alias, the model and the addresses', async () => {
    await mailer().send(email);
    expect(received).toHaveLength(1);
    const request = received[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/email/withTemplate');
    expect(request.headers['x-postmark-server-token']).toBe('server-token-1');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['accept']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({
      TemplateAlias: 'fr.password-reset',
      TemplateModel: {
        link: email.variables.link,
        displayName: 'Bob',
        email: 'bob@example.com',
        newEmail: '',
        ticket: 'passwordReset:abc',
        redirectTo: 'http://localhost:3000',
        locale: 'fr',
        serverUrl: 'http://localhost:4000',
        clientUrl: 'http://localhost:3000',
      },
      From: 'Latchkey <no-reply@latchkey.test>',
      To: 'bob@example.com',
    });
    expect(Object.keys(JSON.parse(request.body) as object)).toEqual(['TemplateAlias', 'TemplateModel', 'From', 'To']);
  });

  it('accepts a base URL with a trailing slash', async () => {
    await createPostmarkMailer({ serverToken: 't', sender: 's', baseUrl: `${baseUrl}/` }).send(email);
    expect(received[0]!.url).toBe('/email/withTemplate');
  });

  it("reports Postmark's refusal with the status and its error code", async () => {
    reply = { status: 422, body: '{"ErrorCode":1101,"Message":"The Template\'s \'Alias\' associated with this request is not valid or was not found."}' };
    const error = await mailer().send(email).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect((error as Error).message).toContain('422');
    expect((error as Error).message).toContain('ErrorCode 1101');
    expect((error as Error).message).toContain('not valid or was not found');
  });

  it('treats any status other than 200 as a failure', async () => {
    reply = { status: 202, body: '' };
    const error = await mailer().send(email).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect((error as Error).message).toBe('Postmark answered 202');
  });

  it('reports an unreachable API as a MailDeliveryError', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await createPostmarkMailer({ serverToken: 't', sender: 's', baseUrl: `http://127.0.0.1:${port}` })
      .send(email)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect((error as Error).cause).toBeDefined();
  });

  it('gives up after the timeout', async () => {
    const silent = http.createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const error = await createPostmarkMailer({ serverToken: 't', sender: 's', baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 100 })
        .send(email)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailDeliveryError);
      expect((error as Error).message).toBe('Postmark request failed: timed out');
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
