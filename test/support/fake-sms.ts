import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomInt } from 'node:crypto';

// Loopback stand-ins for the SMS providers (MESSAGES.md §7.3–7.5). Each checks a request the way
// the real API does (path, HTTP Basic credentials, media type, required fields), answers as the
// real API does, and records what it accepted. A request it would refuse is answered with the
// provider's error status and recorded in `rejected`, so a test sees what went wrong.

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface TwilioMessage {
  to: string;
  from: string;
  body: string;
}

export interface TwilioVerification {
  to: string;
  channel: string;
  locale: string;
  /** The code Twilio texted. */
  code: string;
}

interface FakeServer {
  readonly url: string;
  /** Every request, accepted or not, oldest first. */
  readonly requests: ReceivedRequest[];
  /** Requests refused for a malformed call (wrong credentials, path, fields). */
  readonly rejected: Array<ReceivedRequest & { reason: string }>;
  /** Until cleared, answer every request with this status (a provider outage or refusal). */
  failWith(status: number | null): void;
  close(): Promise<void>;
}

export interface FakeTwilio extends FakeServer {
  readonly accountSid: string;
  readonly authToken: string;
  readonly verifyServiceSid: string;
  readonly messages: TwilioMessage[];
  readonly verifications: TwilioVerification[];
  /** Settings that point Latchkey's Twilio Messages sender here. */
  messagingEnv(): Record<string, string>;
  /** Settings that point Latchkey's Twilio Verify client here. */
  verifyEnv(): Record<string, string>;
  /** The six digits of the last message or verification sent to `to`. */
  lastCode(to: string): string;
}

export interface ModicaMessage {
  destination: string;
  content: string;
}

export interface FakeModica extends FakeServer {
  readonly username: string;
  readonly password: string;
  readonly messages: ModicaMessage[];
  env(): Record<string, string>;
  lastCode(to: string): string;
}

type Reply = { status: number; body: unknown };
type Route = (req: ReceivedRequest) => Reply;

class Refusal extends Error {
  constructor(readonly status: number, reason: string, readonly body: unknown) {
    super(reason);
  }
}

async function startFake(route: Route): Promise<Omit<FakeServer, never>> {
  const requests: ReceivedRequest[] = [];
  const rejected: Array<ReceivedRequest & { reason: string }> = [];
  let failure: number | null = null;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      let reply: Reply;
      if (failure !== null) reply = { status: failure, body: { message: 'failure requested by the test' } };
      else {
        try {
          reply = route(received);
        } catch (err) {
          if (!(err instanceof Refusal)) throw err;
          rejected.push({ ...received, reason: err.message });
          reply = { status: err.status, body: err.body };
        }
      }
      res.writeHead(reply.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    rejected,
    failWith(status) {
      failure = status;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function requireBasicAuth(req: ReceivedRequest, user: string, password: string, body: unknown): void {
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  if (req.headers['authorization'] !== expected) throw new Refusal(401, 'wrong or missing HTTP Basic credentials', body);
}

function requireForm(req: ReceivedRequest, fields: string[]): URLSearchParams {
  if (req.method !== 'POST') throw new Refusal(405, `method ${req.method}`, { code: 20004, message: 'Method not allowed', status: 405 });
  if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    throw new Refusal(400, `content type ${req.headers['content-type']}`, { code: 21000, message: 'Unsupported media type', status: 400 });
  }
  const form = new URLSearchParams(req.body);
  for (const field of fields) {
    if (!form.get(field)) throw new Refusal(400, `missing ${field}`, { code: 21604, message: `A '${field}' parameter is required.`, status: 400 });
  }
  return form;
}

function sixDigitsOf(text: string | undefined, to: string): string {
  const match = /\b(\d{6})\b/.exec(text ?? '');
  if (!match) throw new Error(`no six-digit code was sent to ${to}`);
  return match[1]!;
}

/** A Twilio account with one Verify service: Messages API and Verify v2. */
export async function startFakeTwilio(): Promise<FakeTwilio> {
  const accountSid = `AC${'0123456789abcdef'.repeat(2)}`;
  const authToken = 'twilio-auth-token-for-tests';
  const verifyServiceSid = `VA${'fedcba9876543210'.repeat(2)}`;
  const messages: TwilioMessage[] = [];
  const verifications: TwilioVerification[] = [];
  const pending = new Map<string, string>();
  const authError = { code: 20003, message: 'Authenticate', status: 401 };
  const notFound = { code: 20404, message: 'The requested resource was not found', status: 404 };

  const fake = await startFake((req) => {
    if (req.path === `/2010-04-01/Accounts/${accountSid}/Messages.json`) {
      requireBasicAuth(req, accountSid, authToken, authError);
      const form = requireForm(req, ['To', 'Body']);
      // A number, an alphanumeric sender or a messaging service SID in From, or MessagingServiceSid.
      const from = form.get('From') ?? form.get('MessagingServiceSid');
      if (!from) throw new Refusal(400, 'no sender', { code: 21603, message: "A 'From' or 'MessagingServiceSid' parameter is required to send a message", status: 400 });
      const to = form.get('To')!;
      if (!/^\+[1-9]\d{6,14}$/.test(to)) throw new Refusal(400, `invalid To ${to}`, { code: 21211, message: `Invalid 'To' Phone Number: ${to}`, status: 400 });
      messages.push({ to, from, body: form.get('Body')! });
      return { status: 201, body: { sid: `SM${messages.length}`, status: 'queued', to, body: form.get('Body') } };
    }
    const verify = new RegExp(`^/v2/Services/${verifyServiceSid}/(Verifications|VerificationCheck)$`).exec(req.path);
    if (verify) {
      requireBasicAuth(req, accountSid, authToken, authError);
      if (verify[1] === 'Verifications') {
        const form = requireForm(req, ['To', 'Channel']);
        const to = form.get('To')!;
        if (form.get('Channel') !== 'sms') throw new Refusal(400, `channel ${form.get('Channel')}`, { code: 60200, message: 'Invalid parameter', status: 400 });
        const code = String(randomInt(1_000_000)).padStart(6, '0');
        pending.set(to, code);
        verifications.push({ to, channel: 'sms', locale: form.get('Locale') ?? '', code });
        return { status: 201, body: { sid: `VE${verifications.length}`, to, channel: 'sms', status: 'pending' } };
      }
      const form = requireForm(req, ['To', 'Code']);
      const to = form.get('To')!;
      const code = pending.get(to);
      // Twilio answers 404 once a verification is approved or expired.
      if (code === undefined) return { status: 404, body: notFound };
      if (form.get('Code') !== code) return { status: 200, body: { to, status: 'pending', valid: false } };
      pending.delete(to);
      return { status: 200, body: { to, status: 'approved', valid: true } };
    }
    throw new Refusal(404, `unknown path ${req.path}`, notFound);
  });

  const base = { AUTH_SMS_PASSWORDLESS_ENABLED: 'true', AUTH_SMS_PROVIDER: 'twilio', AUTH_SMS_TWILIO_ACCOUNT_SID: accountSid, AUTH_SMS_TWILIO_AUTH_TOKEN: authToken };
  return {
    ...fake,
    accountSid,
    authToken,
    verifyServiceSid,
    messages,
    verifications,
    messagingEnv: () => ({ ...base, AUTH_SMS_TWILIO_MESSAGING_SERVICE_ID: `MG${'0a1b2c3d4e5f6a7b'.repeat(2)}`, AUTH_SMS_TWILIO_API_URL: fake.url }),
    verifyEnv: () => ({ ...base, AUTH_SMS_TWILIO_MESSAGING_SERVICE_ID: verifyServiceSid, AUTH_SMS_TWILIO_VERIFY_API_URL: fake.url }),
    lastCode(to) {
      const message = messages.filter((m) => m.to === to).at(-1);
      if (message) return sixDigitsOf(message.body, to);
      return sixDigitsOf(verifications.filter((v) => v.to === to).at(-1)?.code, to);
    },
  };
}

/** Modica Group's REST SMS API v2. */
export async function startFakeModica(): Promise<FakeModica> {
  const username = 'modica-app';
  const password = 'modica-password-for-tests';
  const messages: ModicaMessage[] = [];
  const fake = await startFake((req) => {
    if (req.path !== '/rest/sms/v2/messages') throw new Refusal(404, `unknown path ${req.path}`, { error: 'Not Found' });
    requireBasicAuth(req, username, password, { error: 'Unauthorized' });
    if (req.method !== 'POST') throw new Refusal(405, `method ${req.method}`, { error: 'Method Not Allowed' });
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) throw new Refusal(415, `content type ${req.headers['content-type']}`, { error: 'Unsupported Media Type' });
    let body: unknown;
    try {
      body = JSON.parse(req.body);
    } catch {
      throw new Refusal(400, 'body is not JSON', { error: 'Bad Request' });
    }
    const { destination, content } = (body ?? {}) as { destination?: unknown; content?: unknown };
    if (typeof destination !== 'string' || typeof content !== 'string' || content === '') throw new Refusal(400, `bad body ${req.body}`, { error: 'Bad Request' });
    messages.push({ destination, content });
    return { status: 202, body: { id: messages.length } };
  });
  return {
    ...fake,
    username,
    password,
    messages,
    env: () => ({ AUTH_SMS_PASSWORDLESS_ENABLED: 'true', AUTH_SMS_PROVIDER: 'modica', AUTH_SMS_MODICA_USERNAME: username, AUTH_SMS_MODICA_PASSWORD: password, AUTH_SMS_MODICA_API_URL: fake.url }),
    lastCode(to) {
      return sixDigitsOf(messages.filter((m) => m.destination === to).at(-1)?.content, to);
    },
  };
}
