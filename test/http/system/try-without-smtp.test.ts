import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.js';
import { loadConfig } from '../../../src/config/load.js';
import { send } from '../../support/app.js';

// Zero set-up (README, docs/compat.md): with the embedded database and no AUTH_SMTP_HOST, e-mails
// are written as .eml files to <AUTH_DATA_DIR>/mail, so the default `npm start` can complete a
// verified sign-up without a mail server.
describe('trying Latchkey without a mail server', () => {
  let dataDir: string;
  let app: App;
  let origin: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'latchkey-mail-'));
    const env = { AUTH_DATA_DIR: dataDir, AUTH_PASSWORD_HASH_COST: '4', AUTH_PASSWORD_HASH_WORKERS: '1', AUTH_CLIENT_URL: 'http://localhost:3000' };
    app = await createApp(loadConfig(env), { log: pino({ level: 'silent' }) }, env);
    origin = (await app.server.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes the verification e-mail to the data folder, and its link verifies the address', async () => {
    const signUp = await send(`${origin}/signup/email-password`, 'POST', { body: { email: 'try@example.com', password: 'correct-horse' } });
    expect(signUp.status).toBe(200);
    expect(signUp.body).toEqual({});

    const folder = path.join(dataDir, 'mail');
    const files = await readdir(folder);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/-email-verify\.eml$/);
    const raw = await readFile(path.join(folder, files[0]!));
    const mail = await simpleParser(raw);
    expect(mail.headers.get('x-email-template')).toBe('email-verify');
    const link = new URL(String(mail.headers.get('x-link')));
    expect(link.searchParams.get('type')).toBe('emailVerify');

    const verify = await fetch(`${origin}/verify${link.search}`, { redirect: 'manual' });
    expect(verify.status).toBe(302);
    expect(new URL(verify.headers.get('location')!).searchParams.get('type')).toBe('verifyEmail');
    const signIn = await send(`${origin}/signin/email-password`, 'POST', { body: { email: 'try@example.com', password: 'correct-horse' } });
    expect(signIn.status).toBe(200);
  });
});
