import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniqueEmail, type TestApp } from '../../support/app.js';
import { migrate } from '../../../src/store/migrate.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { bcryptHash, insertPasswordUser } from '../../support/email-password.js';
import { TEST_PASSWORD } from '../../support/sessions.js';
import { mfaTicket, totpCode } from '../../support/totp.js';
import { openStoredTotpSecret, storedTotpSecret } from '../../support/totp-at-rest.js';

// TOTP secrets an older Nhost Auth stored in clear (SCHEMA-NEWER.md §4.6): values shorter than 64
// characters are encrypted in place at start-up, after the migrations; reading accepts both forms,
// so a clear secret written later (an older instance sharing the database) keeps working too.

const ENV = { AUTH_MFA_ENABLED: 'true' };
// 32 bytes in base32 (52 characters), as Nhost Auth before 0.43 stored it in clear.
const LEGACY_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSW';

let database: TestDatabase;
let t: TestApp | undefined;
const emails = { legacy: uniqueEmail('legacy'), sealed: uniqueEmail('sealed'), none: uniqueEmail('none') };
const ids: Record<keyof typeof emails, string> = { legacy: '', sealed: '', none: '' };
// The sealed value the first start wrote for `sealed`; later starts must leave it exactly so.
let sealedBefore = '';

beforeAll(async () => {
  database = await createTestDatabase();
  await migrate(database.db); // the rows exist before the app's first start
  const passwordHash = bcryptHash(TEST_PASSWORD, '$2b$');
  for (const name of Object.keys(emails) as (keyof typeof emails)[]) {
    ids[name] = await insertPasswordUser(database.db, { email: emails[name], passwordHash });
  }
  for (const id of [ids.legacy, ids.sealed]) {
    await database.db.query("UPDATE auth.users SET totp_secret = $2, active_mfa_type = 'totp' WHERE id = $1", [id, LEGACY_SECRET]);
  }
});
afterAll(async () => {
  await t?.close();
  await database?.drop();
});

describe('legacy clear-text TOTP secrets', () => {
  it('are encrypted in place when the app starts, and still complete MFA sign-in', async () => {
    t = await startTestApp({ env: ENV, database });
    const stored = await storedTotpSecret(t.db, ids.legacy);
    // hex(nonce 12 ‖ 52 bytes of ciphertext ‖ tag 16)
    expect(stored).toMatch(/^[0-9a-f]{160}$/);
    expect(openStoredTotpSecret(stored!)).toBe(LEGACY_SECRET);
    expect(await storedTotpSecret(t.db, ids.none)).toBeNull();

    const ticket = await mfaTicket(t, emails.legacy, TEST_PASSWORD);
    const res = await t.request('POST', '/signin/mfa/totp', { body: { ticket, otp: totpCode(LEGACY_SECRET, t.clock.now()) } });
    expect(res.status, res.text).toBe(200);
    sealedBefore = (await storedTotpSecret(t.db, ids.sealed))!;
  });

  it('leaves sealed secrets untouched on the next start', async () => {
    await t!.close();
    t = await startTestApp({ env: ENV, database });
    expect(await storedTotpSecret(t.db, ids.sealed)).toBe(sealedBefore);
  });

  it('are read as they are when written in clear after start-up', async () => {
    await t!.db.query('UPDATE auth.users SET totp_secret = $2 WHERE id = $1', [ids.legacy, LEGACY_SECRET]);
    const ticket = await mfaTicket(t!, emails.legacy, TEST_PASSWORD);
    const res = await t!.request('POST', '/signin/mfa/totp', { body: { ticket, otp: totpCode(LEGACY_SECRET, t!.clock.now()) } });
    expect(res.status, res.text).toBe(200);
  });
});
