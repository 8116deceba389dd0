import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config/load.js';
import { send } from '../../support/app.js';

// Zero set-up (README, docs/compat.md A1): with the embedded database and no keys configured,
// Latchkey generates a signing key and an encryption key once and keeps them in AUTH_DATA_DIR.
async function start(dataDir: string): Promise<{ origin: string; close: () => Promise<void> }> {
  const env = { AUTH_DATA_DIR: dataDir, AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false', AUTH_PASSWORD_HASH_COST: '4', AUTH_PASSWORD_HASH_WORKERS: '1' };
  const app = await createApp(loadConfig(env), { log: pino({ level: 'silent' }) }, env);
  const origin = (await app.server.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
  return { origin, close: () => app.close() };
}

describe('keys generated for the embedded database', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'latchkey-keys-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('are generated on first start and survive a restart, so issued tokens stay valid', async () => {
    const first = await start(dataDir);
    const jwks = (await send(`${first.origin}/.well-known/jwks.json`, 'GET')).body;
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0].kty).toBe('RSA');
    const signUp = await send(`${first.origin}/signup/email-password`, 'POST', { body: { email: 'keys@example.com', password: 'correct-horse' } });
    expect(signUp.status).toBe(200);
    await first.close();
    expect((await readFile(path.join(dataDir, 'encryption-key.hex'), 'utf8'))).toMatch(/^[0-9a-f]{64}$/);

    const second = await start(dataDir);
    expect((await send(`${second.origin}/.well-known/jwks.json`, 'GET')).body).toEqual(jwks);
    const user = await send(`${second.origin}/user`, 'GET', { token: signUp.body.session.accessToken });
    expect(user.status).toBe(200);
    expect(user.body.email).toBe('keys@example.com');
    await second.close();
  });

  it('refuses to start rather than replace a key file it cannot read', async () => {
    const other = await mkdtemp(path.join(tmpdir(), 'latchkey-keys-'));
    await mkdir(path.join(other, 'jwt-secret.json')); // a directory: reading it fails with EISDIR
    await expect(start(other)).rejects.toThrow(/EISDIR/);
    await rm(other, { recursive: true, force: true });
  });
});
