import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMAIL_TEMPLATE_IDS, SMS_TEMPLATE_ID, type EmailTemplateId, type EmailVariables } from './mailer.js';
import { TemplateError, createTemplateStore, firstExistingDirectory, loadTemplateFolder, type TemplateFolder } from './templates.js';

const STOCK_DIR = fileURLToPath(new URL('../../../email-templates', import.meta.url));
const STOCK_LOCALES = ['en', 'fr', 'es', 'cs', 'bg'] as const;
const LINK_TEMPLATES: readonly EmailTemplateId[] = ['email-verify', 'email-confirm-change', 'password-reset', 'signin-passwordless'];

/** Distinctive values, so that a rendered one cannot be confused with template text. */
const LINK = 'https://auth.sample.test/verify?redirectTo=https%3A%2F%2Fapp.sample.test%2Fafter&ticket=passwordReset%3A7f0c2e3a-1b2c-4d5e-8f90-a1b2c3d4e5f6&type=passwordReset';
const CODE = '493817';
const SAMPLE: EmailVariables = {
  link: LINK,
  displayName: 'Quintessa Marlow',
  email: 'current.address@sample.test',
  newEmail: 'requested.address@sample.test',
  ticket: 'passwordReset:7f0c2e3a-1b2c-4d5e-8f90-a1b2c3d4e5f6',
  redirectTo: 'https://app.sample.test/after',
  serverUrl: 'https://auth.sample.test',
  clientUrl: 'https://app.sample.test',
};

function variablesFor(template: EmailTemplateId): EmailVariables {
  if (template === 'signin-otp') return { ...SAMPLE, link: '', ticket: CODE };
  if (template === 'email-confirm-change') return SAMPLE;
  return { ...SAMPLE, newEmail: '' };
}

describe('stock template set', () => {
  let stock: TemplateFolder;
  beforeAll(async () => {
    stock = await loadTemplateFolder(STOCK_DIR);
  });

  it('holds every template in every stock locale and nothing else', () => {
    const expected = STOCK_LOCALES.flatMap((locale) => [
      ...EMAIL_TEMPLATE_IDS.flatMap((id) => [`${locale}/${id}/subject.txt`, `${locale}/${id}/body.html`]),
      `${locale}/${SMS_TEMPLATE_ID}/body.txt`,
    ]);
    expect([...stock.files.keys()].sort()).toEqual(expected.sort());
  });

  it('uses only known placeholders, written without spaces', () => {
    const known = new Set(['link', 'displayName', 'email', 'newEmail', 'ticket', 'redirectTo', 'locale', 'serverUrl', 'clientUrl']);
    for (const [key, text] of stock.files) {
      const names = [...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]);
      const allowed = key.endsWith('/body.txt') ? new Set(['code']) : known;
      for (const name of names) expect(allowed.has(name!), `${key}: \${${name}}`).toBe(true);
    }
  });

  it('keeps each subject file to one line', () => {
    for (const [key, text] of stock.files) {
      if (key.endsWith('/subject.txt')) expect(text.trimEnd(), key).not.toMatch(/[\r\n]/);
    }
  });

  for (const locale of STOCK_LOCALES) {
    describe(locale, () => {
      for (const template of EMAIL_TEMPLATE_IDS) {
        it(`renders ${template} completely, without falling back`, () => {
          const fallbacks: unknown[] = [];
          const store = createTemplateStore({ folders: [stock], defaultLocale: 'en', onFallback: (info) => fallbacks.push(info) });
          const email = store.renderEmail(template, locale, variablesFor(template));
          expect(email.locale).toBe(locale);
          expect(fallbacks).toEqual([]);
          expect(email.subject).not.toContain('${');
          expect(email.html).not.toContain('${');
          expect(email.subject.trim()).not.toBe('');
          expect(email.subject).not.toMatch(/[\r\n]/);
          expect(email.html.startsWith('<!DOCTYPE html>')).toBe(true);
          expect(email.html).toContain(`<html lang="${locale}">`);
          expect(email.html).toContain('<meta charset="utf-8">');
          expect(email.html).not.toMatch(/<style|<link|<script/i);
          expect(email.html).toContain(SAMPLE.displayName);
          if (LINK_TEMPLATES.includes(template)) {
            // The button, and the same link printed for clients that hide buttons.
            expect(email.html).toContain(`<a href="${LINK}"`);
            expect(email.html).toContain(`>${LINK}</a>`);
          } else {
            expect(email.html).toContain(CODE);
            expect(email.html).not.toContain('href=');
          }
          if (template === 'email-confirm-change') expect(email.html).toContain(SAMPLE.newEmail);
        });
      }

      it('renders the SMS with the code on one line', () => {
        const store = createTemplateStore({ folders: [stock], defaultLocale: 'en' });
        const text = store.renderSms(locale, { code: CODE });
        expect(text).toContain(CODE);
        expect(text).not.toContain('${');
        expect(text).not.toMatch(/[\r\n]/);
      });
    });
  }

});

/** Writes `files` (relative path → content) under a new temporary folder. */
let tmpRoot: string;
let folderCount = 0;
async function writeFolder(files: Readonly<Record<string, string>>): Promise<string> {
  const dir = path.join(tmpRoot, `folder-${++folderCount}`);
  await mkdir(dir, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  return dir;
}

async function folderOf(files: Readonly<Record<string, string>>): Promise<TemplateFolder> {
  return loadTemplateFolder(await writeFolder(files));
}

/** An e-mail template whose subject names where it came from. */
function emailFiles(locale: string, template: EmailTemplateId, marker: string): Record<string, string> {
  return {
    [`${locale}/${template}/subject.txt`]: `${marker} \${locale}`,
    [`${locale}/${template}/body.html`]: `<p>${marker}</p>`,
  };
}

describe('template renderer', () => {
  beforeAll(async () => {
    tmpRoot = await mkdtemp(path.join(os.tmpdir(), 'latchkey-templates-'));
  });
  afterAll(async () => {
    await rm(tmpRoot, { recursive: true, force: true });
  });

  it('renders an unknown placeholder, or one with spaces, as empty', async () => {
    const folder = await folderOf({
      'en/email-verify/subject.txt': 'a[${nope}]b[${ link }]c[${link}]',
      'en/email-verify/body.html': '<p>[${unknownName}][${ displayName }][${}]</p>',
    });
    const store = createTemplateStore({ folders: [folder], defaultLocale: 'en' });
    const email = store.renderEmail('email-verify', 'en', SAMPLE);
    expect(email.subject).toBe(`a[]b[]c[${LINK}]`);
    expect(email.html).toBe('<p>[][][]</p>');
  });

  it('HTML-escapes every value but the link in body.html, and none in the subject', async () => {
    const folder = await folderOf({
      'en/password-reset/subject.txt': '${displayName} ${email} ${link}',
      'en/password-reset/body.html': '<a href="${link}">${link}</a>|${displayName}|${email}|${redirectTo}|${ticket}|${newEmail}|${serverUrl}|${clientUrl}|${locale}',
    });
    const store = createTemplateStore({ folders: [folder], defaultLocale: 'en' });
    const variables: EmailVariables = {
      ...SAMPLE,
      link: 'https://auth.sample.test/verify?a=1&b="2"&c=<3>',
      displayName: `<b>"Tom" & 'Jerry'</b>`,
      email: 'x&y@sample.test',
      redirectTo: 'https://app.sample.test/?a=1&b=2',
      ticket: '<ticket>',
      newEmail: '"new"@sample.test',
      serverUrl: 'https://auth.sample.test/?s=<1>',
      clientUrl: "https://app.sample.test/'",
    };
    const email = store.renderEmail('password-reset', 'en', variables);
    expect(email.subject).toBe(`${variables.displayName} ${variables.email} ${variables.link}`);
    expect(email.html).toBe(
      `<a href="${variables.link}">${variables.link}</a>` +
        '|&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;' +
        '|x&amp;y@sample.test' +
        '|https://app.sample.test/?a=1&amp;b=2' +
        '|&lt;ticket&gt;' +
        '|&quot;new&quot;@sample.test' +
        '|https://auth.sample.test/?s=&lt;1&gt;' +
        '|https://app.sample.test/&#39;' +
        '|en',
    );
  });

  it('removes CR and LF from the subject, including those from values', async () => {
    const folder = await folderOf({
      'en/signin-passwordless/subject.txt': 'Sign in\r\nnow ${displayName}\n',
      'en/signin-passwordless/body.html': 'line 1\r\n${displayName}\n',
    });
    const store = createTemplateStore({ folders: [folder], defaultLocale: 'en' });
    const email = store.renderEmail('signin-passwordless', 'en', { ...SAMPLE, displayName: 'A\r\nBcc: x@sample.test' });
    expect(email.subject).toBe('Sign innow ABcc: x@sample.test');
    expect(email.html).toBe('line 1\r\nA\r\nBcc: x@sample.test\n');
  });

  it('refuses a folder with an unclosed placeholder', async () => {
    const dir = await writeFolder({ 'en/email-verify/subject.txt': 'Hello ${displayName' });
    await expect(loadTemplateFolder(dir)).rejects.toBeInstanceOf(TemplateError);
    const inBody = await writeFolder({ 'fr/signin-passwordless-sms/body.txt': '${code} ${code' });
    await expect(loadTemplateFolder(inBody)).rejects.toThrow(/without a closing/);
  });

  it('loads only body.html, body.txt and subject.txt files, at any depth, keyed with "/"', async () => {
    const dir = await writeFolder({
      'README.md': 'unclosed ${ is fine here',
      'en/email-verify/subject.txt': 's',
      'en/email-verify/body.html': 'b',
      'en/email-verify/body.htm': 'ignored',
      'en/email-verify/subject.txt.bak': 'ignored ${',
      'en/signin-passwordless-sms/body.txt': 'sms',
      'a/b/c/d/body.txt': 'deep',
      'body.html': 'top',
    });
    const folder = await loadTemplateFolder(dir);
    expect(Object.fromEntries(folder.files)).toEqual({
      'en/email-verify/subject.txt': 's',
      'en/email-verify/body.html': 'b',
      'en/signin-passwordless-sms/body.txt': 'sms',
      'a/b/c/d/body.txt': 'deep',
      'body.html': 'top',
    });
  });

  it('follows a symbolic link at the folder itself', async () => {
    const dir = await writeFolder({ 'en/signin-passwordless-sms/body.txt': 'via link ${code}' });
    const link = path.join(tmpRoot, `link-${++folderCount}`);
    await symlink(dir, link, 'dir');
    const folder = await loadTemplateFolder(link);
    expect(folder.files.get('en/signin-passwordless-sms/body.txt')).toBe('via link ${code}');
    expect(createTemplateStore({ folders: [folder], defaultLocale: 'en' }).renderSms('en', { code: '000123' })).toBe('via link 000123');
  });

  it('reads linked files and folders, as in a Kubernetes ConfigMap volume, and survives a link loop', async () => {
    const data = await writeFolder({ 'en/password-reset/subject.txt': 'linked ${locale}', 'en/password-reset/body.html': 'linked body' });
    const dir = await writeFolder({});
    await symlink(data, path.join(dir, '..data'), 'dir');
    await symlink('..data/en', path.join(dir, 'en'), 'dir');
    await mkdir(path.join(dir, 'fr/password-reset'), { recursive: true });
    await symlink(path.join(data, 'en/password-reset/subject.txt'), path.join(dir, 'fr/password-reset/subject.txt'));
    await symlink(path.join(data, 'en/password-reset/body.html'), path.join(dir, 'fr/password-reset/body.html'));
    await symlink('..', path.join(dir, 'fr/loop'), 'dir');
    await symlink(path.join(dir, 'nowhere'), path.join(dir, 'fr/body.txt'));
    const folder = await loadTemplateFolder(dir);
    expect(folder.files.get('en/password-reset/subject.txt')).toBe('linked ${locale}');
    const store = createTemplateStore({ folders: [folder], defaultLocale: 'en' });
    expect(store.renderEmail('password-reset', 'fr', SAMPLE)).toEqual({ subject: 'linked fr', html: 'linked body', locale: 'fr' });
  });

  describe('fallback order', () => {
    // Requested locale fr, AUTH_LOCALE_DEFAULT es. Each step removes the winner of the previous one.
    const steps = [
      { present: ['custom:fr', 'custom:es', 'stock:fr', 'stock:es', 'stock:en'], expected: 'custom:fr', locale: 'fr' },
      { present: ['custom:es', 'stock:fr', 'stock:es', 'stock:en'], expected: 'custom:es', locale: 'es' },
      { present: ['stock:fr', 'stock:es', 'stock:en'], expected: 'stock:fr', locale: 'fr' },
      { present: ['stock:es', 'stock:en'], expected: 'stock:es', locale: 'es' },
      { present: ['stock:en'], expected: 'stock:en', locale: 'en' },
    ];
    for (const step of steps) {
      it(`uses ${step.expected} when only ${step.present.join(', ')} have the template`, async () => {
        const files: Record<'custom' | 'stock', Record<string, string>> = { custom: {}, stock: {} };
        for (const where of ['custom', 'stock'] as const) {
          for (const locale of ['fr', 'es', 'en']) {
            // email-verify everywhere: the fallback must not pick it up instead of the requested template.
            Object.assign(files[where], emailFiles(locale, 'email-verify', `${where}:${locale}:verify`));
            if (step.present.includes(`${where}:${locale}`)) {
              Object.assign(files[where], emailFiles(locale, 'password-reset', `${where}:${locale}`));
              files[where][`${locale}/${SMS_TEMPLATE_ID}/body.txt`] = `${where}:${locale} \${code}`;
            }
          }
        }
        const folders = [await folderOf(files.custom), await folderOf(files.stock)];
        const fallbacks: Array<{ template: string; requested: string; used: string; dir: string }> = [];
        const store = createTemplateStore({ folders, defaultLocale: 'es', onFallback: (info) => fallbacks.push(info) });

        const email = store.renderEmail('password-reset', 'fr', SAMPLE);
        expect(email).toEqual({ subject: `${step.expected} ${step.locale}`, html: `<p>${step.expected}</p>`, locale: step.locale });
        expect(store.renderSms('fr', { code: CODE })).toBe(`${step.expected} ${CODE}`);
        if (step.expected === 'custom:fr') expect(fallbacks).toEqual([]);
        else expect(fallbacks).toEqual([{ template: 'password-reset', requested: 'fr', used: step.locale, dir: step.expected.startsWith('custom') ? folders[0]!.dir : folders[1]!.dir }]);
      });
    }
  });

  it('needs both subject.txt and body.html in the same place', async () => {
    const custom = await folderOf({
      'fr/password-reset/subject.txt': 'custom fr subject only',
      'es/password-reset/body.html': 'custom es body only',
    });
    const stock = await folderOf(emailFiles('fr', 'password-reset', 'stock:fr'));
    const store = createTemplateStore({ folders: [custom, stock], defaultLocale: 'es' });
    expect(store.renderEmail('password-reset', 'fr', SAMPLE)).toEqual({ subject: 'stock:fr fr', html: '<p>stock:fr</p>', locale: 'fr' });
  });

  it('throws TemplateError when no folder has the template in any fallback locale', async () => {
    const folder = await folderOf({ ...emailFiles('en', 'email-verify', 'verify'), ...emailFiles('fr', 'signin-otp', 'otp') });
    const store = createTemplateStore({ folders: [folder], defaultLocale: 'fr' });
    expect(() => store.renderEmail('password-reset', 'cs', SAMPLE)).toThrow(TemplateError);
    expect(store.renderEmail('signin-otp', 'cs', SAMPLE).locale).toBe('fr');
  });

  it('returns null for an SMS that no folder has', async () => {
    const folder = await folderOf({ ...emailFiles('en', 'email-verify', 'verify'), 'en/other/body.txt': 'not the SMS ${code}' });
    const store = createTemplateStore({ folders: [folder], defaultLocale: 'en' });
    expect(store.renderSms('en', { code: CODE })).toBeNull();
  });

  it('gives the SMS the code and nothing else', async () => {
    const folder = await folderOf({ [`en/${SMS_TEMPLATE_ID}/body.txt`]: '${code}|${displayName}|${locale}|${link}' });
    const store = createTemplateStore({ folders: [folder], defaultLocale: 'en' });
    expect(store.renderSms('en', { code: '012345' })).toBe('012345|||');
  });
});

describe('firstExistingDirectory', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'latchkey-template-dirs-'));
    await mkdir(path.join(root, 'second'));
    await mkdir(path.join(root, 'third'));
    await writeFile(path.join(root, 'a-file'), 'not a folder');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('skips empty and missing paths and files, and returns the first folder', async () => {
    const candidates = ['', path.join(root, 'missing'), path.join(root, 'a-file'), path.join(root, 'second'), path.join(root, 'third')];
    expect(await firstExistingDirectory(candidates)).toBe(path.join(root, 'second'));
  });

  it('returns null when none exists', async () => {
    expect(await firstExistingDirectory(['', path.join(root, 'missing')])).toBeNull();
    expect(await firstExistingDirectory([])).toBeNull();
  });
});
