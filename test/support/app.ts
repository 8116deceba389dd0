import { pino, type Logger } from 'pino';
import { expect } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.js';
import { createApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/load.js';
import type { OperationId } from '../../src/contract/generated.js';
import { validatorsFor } from '../../src/contract/validate.js';
import type { Database } from '../../src/store/db.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { startMailbox, type Mailbox } from './mailbox.js';

/** A fixed HS256 key so tests can also mint and inspect tokens themselves. */
export const TEST_JWT_SECRET = JSON.stringify({ type: 'HS256', key: 'a-test-signing-key-that-is-long-enough-for-hs256-0123456789' });
export const TEST_ENCRYPTION_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
export const CLIENT_URL = 'http://localhost:3000';

/** Settings every test app starts from; each test file adds what it needs. */
export const BASE_ENV: Record<string, string> = {
  HASURA_GRAPHQL_JWT_SECRET: TEST_JWT_SECRET,
  AUTH_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
  AUTH_CLIENT_URL: CLIENT_URL,
  AUTH_SERVER_URL: 'http://127.0.0.1:4000',
  AUTH_PASSWORD_HASH_COST: '4',
  AUTH_PASSWORD_HASH_WORKERS: '1',
  AUTH_RATE_LIMIT_ENABLE: 'false',
  // A placeholder so the config sees an external database; the test database is injected.
  POSTGRES_CONNECTION: 'postgres://unused@127.0.0.1:1/unused',
};

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  body: any;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent verbatim (with contentType) instead of JSON-encoding `body`. */
  raw?: string | Buffer;
  contentType?: string | null;
  token?: string;
  headers?: Record<string, string>;
}

export interface TestApp {
  app: App;
  config: Config;
  db: Database;
  clock: ManualClock;
  /** The SMTP server this app sends to (its own, unless `StartOptions.mailbox` shared one). */
  mailbox: Mailbox;
  /** Server root, e.g. http://127.0.0.1:PORT */
  origin: string;
  /** Server root plus AUTH_API_PREFIX. */
  baseUrl: string;
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Reuse an existing test database (a second instance); default: a fresh one. */
  database?: TestDatabase;
  clock?: ManualClock;
  /** Send to this mailbox instead of a fresh one (it is then not closed with the app). */
  mailbox?: Mailbox;
  /** The app's logger; default: silent, or TEST_LOG_LEVEL. */
  log?: Logger;
}

export async function startTestApp(options: StartOptions = {}): Promise<TestApp & { database: TestDatabase }> {
  const mailbox = options.mailbox ?? (await startMailbox());
  // Every app sends its e-mail to a capture server on 127.0.0.1 unless the test points it elsewhere.
  const env = { ...BASE_ENV, ...mailbox.env, ...options.env };
  const config = loadConfig(env);
  const database = options.database ?? (await createTestDatabase());
  const clock = options.clock ?? new ManualClock(new Date());
  const log = options.log ?? pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });
  const app = await createApp(config, { db: database.db, clock, log }, env);
  const address = await app.server.listen({ port: 0, host: '127.0.0.1' });
  const origin = address.replace('localhost', '127.0.0.1');
  const baseUrl = origin + config.server.apiPrefix;
  return {
    app,
    config,
    db: database.db,
    database,
    clock,
    mailbox,
    origin,
    baseUrl,
    request: (method, path, opts = {}) => send(baseUrl + path, method, opts),
    async close() {
      await app.close();
      if (!options.database) await database.drop();
      if (!options.mailbox) await mailbox.close();
    },
  };
}

export async function send(url: string, method: string, opts: RequestOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | Buffer | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  const contentType = opts.contentType === undefined ? (body !== undefined ? 'application/json' : null) : opts.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
  const res = await fetch(url, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/** Checks a response against the contract: the 200 schema, or the error envelope otherwise. */
export function expectContract(operationId: OperationId, res: ApiResponse): void {
  const validators = validatorsFor(operationId).responses;
  // Failures before the handler (security, schema, size) use the `{"error": text}` shape.
  if (res.status !== 200 && res.body && typeof res.body.error === 'string' && res.body.status === undefined) {
    expect(Object.keys(res.body), `${operationId} ${res.status} body ${res.text}`).toEqual(['error']);
    return;
  }
  const validate = validators[String(res.status)] ?? validators['default'];
  expect(validate, `no response schema for ${operationId} ${res.status}`).toBeDefined();
  const ok = validate!(res.body);
  expect(ok, `${operationId} ${res.status} body ${res.text} violates the contract: ${JSON.stringify(validate!.errors)}`).toBe(true);
}

/** Asserts the standard error envelope with this code and status. */
export function expectError(res: ApiResponse, status: number, error: string): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { status, error } });
  expect(typeof res.body.message).toBe('string');
}

let counter = 0;
/** A unique, valid e-mail address. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}@example.com`;
}

/** A logger that keeps every line it writes, for tests that check what reaches the log. */
export function capturingLogger(level = 'info'): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = pino({ level }, { write: (line: string) => void lines.push(line) });
  return { log, lines };
}

/** Decodes a JWT payload without verifying it (tests inspect claims). */
export function decodeJwt(token: string): any {
  const part = token.split('.')[1]!;
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}
