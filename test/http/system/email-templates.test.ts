import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_URL, startTestApp, uniqueEmail, type ApiResponse, type TestApp } from '../../support/app.js';
import type { TestDatabase } from '../../support/database.js';
import type { CapturedMail } from '../../support/mailbox.js';
import { createSignedInUser, TEST_PASSWORD } from '../../support/sessions.js';

// Which template text a mail is rendered from (MESSAGES.md §5–6): the user's locale in the stock
// set, an operator's folder in AUTH_EMAIL_TEMPLATES_PATH backed by the stock set, and how values
// are inserted (HTML-escaped in bodies, except the link; MESSAGES.md §12).

const SERVER_URL = 'http://127.0.0.1:4000';

function stockSubject(locale: string, template: string): string {
  return readFileSync(new URL(`../../../email-templates/${locale}/${template}/subject.txt`, import.meta.url), 'utf8').replace(/[\r\n]/g, '');
}

/** Writes `files` (relative path → text) into a new temporary folder and returns its path. */
async function templateFolder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'latchkey-templates-'));
  for (const [relative, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, relative)), { recursive: true });
    await writeFile(path.join(dir, relative), text, 'utf8');
  }
  return dir;
}

const CUSTOM_RESET_SUBJECT = 'Reset for ${displayName} (${locale})';
const CUSTOM_RESET_BODY = [
  '<html><body>',
  '<p>name=${displayName}</p>',
  '<p><a href="${link}">link=${link}</a></p>',
  '<p>locale=${locale}</p>',
  '<p>server=${serverUrl}</p>',
  '<p>client=${clientUrl}</p>',
  '<p>email=${email}</p>',
  '<p>new=[${newEmail}]</p>',
  '<p>unknown=[${nothing}]</p>',
  '</body></html>',
].join('\n');
const CUSTOM_CHANGE_SUBJECT = 'Move ${email} to ${newEmail}';
const CUSTOM_CHANGE_BODY = '<p>from=${email} to=${newEmail} link=${link}</p>';

let stock: TestApp & { database: TestDatabase };
let custom: TestApp;
let customDir: string;

beforeAll(async () => {
  stock = await startTestApp({ env: { AUTH_LOCALE_ALLOWED_LOCALES: 'en,fr,es,cs,bg' } });
  customDir = await templateFolder({
    'en/password-reset/subject.txt': CUSTOM_RESET_SUBJECT,
    'en/password-reset/body.html': CUSTOM_RESET_BODY,
    'en/email-confirm-change/subject.txt': CUSTOM_CHANGE_SUBJECT,
    'en/email-confirm-change/body.html': CUSTOM_CHANGE_BODY,
    'en/README.md': 'not a template: ignored, even with an unclosed ${',
  });
  custom = await startTestApp({ database: stock.database, env: { AUTH_EMAIL_TEMPLATES_PATH: customDir, AUTH_LOCALE_ALLOWED_LOCALES: 'en,fr' } });
});
afterAll(async () => {
  await custom?.close();
  await stock?.close();
  if (customDir) await rm(customDir, { recursive: true, force: true });
});

function signUp(t: TestApp, email: string, options?: Record<string, unknown>): Promise<ApiResponse> {
  return t.request('POST', '/signup/email-password', { body: { email, password: TEST_PASSWORD, ...(options ? { options } : {}) } });
}

async function requestReset(t: TestApp, email: string): Promise<CapturedMail> {
  const res = await t.request('POST', '/user/password/reset', { body: { email } });
  expect(res.status, res.text).toBe(200);
  const mail = t.mailbox.last(email);
  expect(mail.template).toBe('password-reset');
  return mail;
}

describe("the user's locale in the stock templates", () => {
  it('sends a Czech verification and password reset to a user who signed up with locale cs', async () => {
    const email = uniqueEmail('cs');
    const res = await signUp(stock, email, { locale: 'cs', displayName: 'Jan Novák' });
    expect(res.status, res.text).toBe(200);

    const verify = stock.mailbox.last(email);
    expect(verify.template).toBe('email-verify');
    expect(verify.subject).toBe(stockSubject('cs', 'email-verify'));
    expect(verify.subject).not.toBe(stockSubject('en', 'email-verify'));
    expect(verify.html).toContain('<html lang="cs">');
    expect(verify.html).toContain('Dobrý den, Jan Novák,');

    await stock.db.query('UPDATE auth.users SET email_verified = true WHERE email = $1', [email]);
    const reset = await requestReset(stock, email);
    expect(reset.subject).toBe(stockSubject('cs', 'password-reset'));
    expect(reset.html).toContain('<html lang="cs">');
  });
});

describe('HTML escaping', () => {
  // `<` and `>` are symbols (\p{S}) and `'` is listed, so the display name pattern lets them in.
  const NAME = "<b>O'Neil";

  it('escapes the display name in the body but leaves the link as sent in X-Link', async () => {
    const email = uniqueEmail('escape');
    expect((await signUp(stock, email, { displayName: NAME })).status).toBe(200);

    const mail = stock.mailbox.last(email);
    expect(mail.html).toContain('Hello &lt;b&gt;O&#39;Neil,');
    expect(mail.html).not.toContain('<b>O');
    expect(mail.link).toContain('&');
    expect(mail.html).toContain(`href="${mail.link}"`);
    expect(mail.html).not.toContain('&amp;ticket=');
  });

  it('escapes in a custom body too, while the subject, which is not HTML, keeps the name as is', async () => {
    const user = await createSignedInUser(custom, { signUpOptions: { displayName: NAME } });

    const mail = await requestReset(custom, user.email);
    expect(mail.subject).toBe(`Reset for ${NAME} (en)`);
    expect(mail.html).toContain('<p>name=&lt;b&gt;O&#39;Neil</p>');
    expect(mail.html).toContain(`<a href="${mail.link}">link=${mail.link}</a>`);
  });
});

describe('a custom template folder (AUTH_EMAIL_TEMPLATES_PATH)', () => {
  it('renders the custom password reset with every variable filled in', async () => {
    const user = await createSignedInUser(custom, { signUpOptions: { displayName: 'Ada Lovelace' } });

    const mail = await requestReset(custom, user.email);

    expect(mail.subject).toBe('Reset for Ada Lovelace (en)');
    const link = new URL(mail.link);
    expect(`${link.origin}${link.pathname}`).toBe(`${SERVER_URL}/verify`);
    expect(link.searchParams.get('type')).toBe('passwordReset');
    expect(link.searchParams.get('ticket')).toBe(mail.ticket);
    const expected = [
      '<html><body>',
      '<p>name=Ada Lovelace</p>',
      `<p><a href="${mail.link}">link=${mail.link}</a></p>`,
      '<p>locale=en</p>',
      `<p>server=${SERVER_URL}</p>`,
      `<p>client=${CLIENT_URL}</p>`,
      `<p>email=${user.email}</p>`,
      '<p>new=[]</p>',
      '<p>unknown=[]</p>',
      '</body></html>',
    ].join('\n');
    expect(mail.html.replace(/\r\n/g, '\n').trim()).toBe(expected);
  });

  it('fills in newEmail in the custom e-mail change confirmation', async () => {
    const user = await createSignedInUser(custom);
    const newEmail = uniqueEmail('moved');

    const res = await custom.request('POST', '/user/email/change', { token: user.session.accessToken, body: { newEmail } });
    expect(res.status, res.text).toBe(200);

    const mail = custom.mailbox.last(newEmail);
    expect(mail.template).toBe('email-confirm-change');
    expect(mail.subject).toBe(`Move ${user.email} to ${newEmail}`);
    expect(mail.html.trim()).toBe(`<p>from=${user.email} to=${newEmail} link=${mail.link}</p>`);
  });

  it('falls back to the stock text for a template the folder does not have', async () => {
    const email = uniqueEmail('stock-verify');
    expect((await signUp(custom, email, { displayName: 'Grace Hopper' })).status).toBe(200);

    const mail = custom.mailbox.last(email);
    expect(mail.template).toBe('email-verify');
    expect(mail.subject).toBe(stockSubject('en', 'email-verify'));
    expect(mail.html).toContain('Hello Grace Hopper,');
  });

  it("falls back to the folder's default-locale text of the same template for a locale the folder does not have", async () => {
    const user = await createSignedInUser(custom, { signUpOptions: { locale: 'fr', displayName: 'Marie Curie' } });
    expect(user.session.user['locale']).toBe('fr');

    const mail = await requestReset(custom, user.email);

    // The custom English reset, neither the stock French one nor another template; `locale`
    // names the text that was used.
    expect(mail.subject).toBe('Reset for Marie Curie (en)');
    expect(mail.subject).not.toBe(stockSubject('fr', 'password-reset'));
    expect(mail.html).toContain('<p>name=Marie Curie</p>');
    expect(mail.html).toContain('<p>locale=en</p>');
  });

  it('refuses to start when a template has a "${" that is never closed', async () => {
    const dir = await templateFolder({
      'en/password-reset/subject.txt': 'Reset',
      'en/password-reset/body.html': '<p>Hello ${displayName, click ${link</p>',
    });
    try {
      // The other app's database and mailbox: a failed start must leave nothing to close.
      const starting = startTestApp({ database: stock.database, mailbox: stock.mailbox, env: { AUTH_EMAIL_TEMPLATES_PATH: dir } });
      await expect(starting).rejects.toThrow(/body\.html: "\$\{" without a closing "\}"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
