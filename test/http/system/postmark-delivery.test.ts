import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_URL, startTestApp, type ApiResponse, type TestApp } from '../../support/app.js';
import { MAILBOX_SENDER } from '../../support/mailbox.js';
import { expectMailFailure, ticketState } from '../../support/mail-state.js';
import { createSignedInUser } from '../../support/sessions.js';

// Postmark's template API (MESSAGES.md §9), selected by AUTH_SMTP_HOST=postmark, against a
// loopback stand-in that records what it receives.

const SERVER_URL = 'http://127.0.0.1:4000';

interface PostmarkRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: any;
}

/** A loopback stand-in for api.postmarkapp.com that records requests and answers `status`. */
async function startFakePostmark(): Promise<{ server: Server; url: string; requests: PostmarkRequest[]; answer: { status: number } }> {
  const requests: PostmarkRequest[] = [];
  const answer = { status: 200 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: text === '' ? undefined : JSON.parse(text) });
      const body =
        answer.status === 200
          ? { To: 'x', SubmittedAt: new Date().toISOString(), MessageID: 'b7bc2f4a-e38e-4336-af7d-e6c392c2f817', ErrorCode: 0, Message: 'OK' }
          : { ErrorCode: 1101, Message: 'The template alias was not found.' };
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, requests, answer };
}

describe('Postmark mode (AUTH_SMTP_HOST=postmark)', () => {
  let postmark: Awaited<ReturnType<typeof startFakePostmark>>;
  let t: TestApp;
  beforeAll(async () => {
    postmark = await startFakePostmark();
    t = await startTestApp({
      env: {
        AUTH_SMTP_HOST: 'postmark',
        AUTH_SMTP_PASS: 'server-token',
        AUTH_POSTMARK_API_URL: postmark.url,
        AUTH_LOCALE_ALLOWED_LOCALES: 'en,fr',
        AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => postmark?.server.close(resolve));
  });

  it('posts a password reset to /email/withTemplate with the server token, the locale alias and the template model', async () => {
    const user = await createSignedInUser(t, { signUpOptions: { locale: 'fr', displayName: 'Marie Curie' } });
    postmark.requests.length = 0;

    const res = await t.request('POST', '/user/password/reset', { body: { email: user.email } });

    expect(res.status, res.text).toBe(200);
    expect(postmark.requests).toHaveLength(1);
    const sent = postmark.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/email/withTemplate');
    expect(sent.headers['x-postmark-server-token']).toBe('server-token');
    expect(sent.headers['content-type']).toBe('application/json');
    const { ticket } = await ticketState(t, user.id);
    expect(ticket).toMatch(/^passwordReset:/);
    const link = new URL(sent.body.TemplateModel.link);
    expect(`${link.origin}${link.pathname}`).toBe(`${SERVER_URL}/verify`);
    expect(Object.fromEntries(link.searchParams)).toEqual({ type: 'passwordReset', ticket, redirectTo: CLIENT_URL });
    expect(sent.body).toEqual({
      TemplateAlias: 'fr.password-reset',
      TemplateModel: {
        link: sent.body.TemplateModel.link,
        displayName: 'Marie Curie',
        email: user.email,
        newEmail: '',
        ticket,
        redirectTo: CLIENT_URL,
        locale: 'fr',
        serverUrl: SERVER_URL,
        clientUrl: CLIENT_URL,
      },
      From: MAILBOX_SENDER,
      To: user.email,
    });
    // Nothing goes to the SMTP server in this mode.
    expect(t.mailbox.messages).toEqual([]);
  });

  it('answers internal-server-error when Postmark refuses with 422, keeping the previous ticket', async () => {
    const user = await createSignedInUser(t);
    expect((await t.request('POST', '/user/password/reset', { body: { email: user.email } })).status).toBe(200);
    const before = await ticketState(t, user.id);
    expect(before.ticket).toMatch(/^passwordReset:/);
    t.clock.advance(60_000);

    postmark.answer.status = 422;
    let res: ApiResponse;
    try {
      res = await t.request('POST', '/user/password/reset', { body: { email: user.email } });
    } finally {
      postmark.answer.status = 200;
    }

    expectMailFailure('sendPasswordResetEmail', res);
    expect(await ticketState(t, user.id)).toEqual(before);
    const set = await t.request('POST', '/user/password', { body: { newPassword: 'a-brand-new-password-456', ticket: before.ticket } });
    expect(set.status, set.text).toBe(200);

    const next = await t.request('POST', '/user/password/reset', { body: { email: user.email } });
    expect(next.status, next.text).toBe(200);
    expect(postmark.requests.at(-1)!.body.To).toBe(user.email);
  });
});
