import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { SMS_TEMPLATE_ID, type EmailTemplateId, type EmailVariables } from './mailer.js';

/**
 * Template folders with the reference's layout (MESSAGES.md §6.1):
 * `<dir>/<locale>/<template-id>/{subject.txt,body.html}` and
 * `<dir>/<locale>/signin-passwordless-sms/body.txt`. Placeholders are `${name}` (§5).
 */

const TEMPLATE_FILES = new Set(['body.html', 'body.txt', 'subject.txt']);
/** The locale of the stock set that is complete whatever AUTH_LOCALE_DEFAULT says. */
const LAST_RESORT_LOCALE = 'en';

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** One folder's files, keyed by their path relative to the folder with `/` separators. */
export interface TemplateFolder {
  readonly dir: string;
  readonly files: ReadonlyMap<string, string>;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  /** The locale whose files were used, after any fallback. */
  locale: string;
}

export interface TemplateStore {
  /** Renders an e-mail; throws TemplateError when no folder has the template in any fallback locale. */
  renderEmail(template: EmailTemplateId, locale: string, variables: EmailVariables): RenderedEmail;
  /** Renders the SMS text, or null when no folder has it. */
  renderSms(locale: string, variables: { code: string }): string | null;
}

/** Reads every `body.html`, `body.txt` and `subject.txt` under `dir`; refuses an unclosed `${`. */
export async function loadTemplateFolder(dir: string): Promise<TemplateFolder> {
  const root = await realpath(dir);
  const files = new Map<string, string>();
  // `ancestors` holds the real paths of the folders above, so a link back up the tree ends the walk.
  async function walk(relative: string, ancestors: ReadonlySet<string>): Promise<void> {
    const real = await realpath(path.join(root, relative));
    if (ancestors.has(real)) return;
    const chain = new Set(ancestors).add(real);
    const entries = await readdir(path.join(root, relative), { withFileTypes: true });
    for (const entry of entries) {
      const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
      // A symbolic link counts as what it points to: Kubernetes ConfigMap and Secret volumes are made
      // of links, and the reference read linked files. A dangling link is skipped.
      const target = entry.isSymbolicLink() ? await stat(path.join(root, rel)).catch(() => null) : entry;
      if (target === null) continue;
      if (target.isDirectory()) await walk(rel, chain);
      else if (target.isFile() && TEMPLATE_FILES.has(entry.name)) {
        const text = await readFile(path.join(root, rel), 'utf8');
        assertPlaceholdersClosed(text, path.join(root, rel));
        files.set(rel, text);
      }
    }
  }
  await walk('', new Set());
  return { dir: root, files };
}

function assertPlaceholdersClosed(text: string, file: string): void {
  let from = 0;
  for (;;) {
    const open = text.indexOf('${', from);
    if (open === -1) return;
    const close = text.indexOf('}', open + 2);
    if (close === -1) throw new TemplateError(`${file}: "\${" without a closing "}"`);
    from = close + 1;
  }
}

/** The first existing directory among the candidates (MESSAGES.md §6.1), or null. */
export async function firstExistingDirectory(candidates: readonly string[]): Promise<string | null> {
  for (const candidate of candidates) {
    if (candidate === '') continue;
    try {
      if ((await stat(candidate)).isDirectory()) return candidate;
    } catch {
      // missing: try the next one
    }
  }
  return null;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);
}

/**
 * Substitutes `${name}` with the variable's value; the name is taken verbatim and an unknown name
 * renders as `''` (MESSAGES.md §5).
 */
export function renderPlaceholders(text: string, values: Readonly<Record<string, string>>, encode: (name: string, value: string) => string = (_n, v) => v): string {
  return text.replace(/\$\{([^}]*)\}/g, (_match, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name]! : '';
    return encode(name, value);
  });
}

/**
 * In HTML bodies every value except `link` is HTML-escaped: display names and addresses come from
 * whoever filled in a form, and the reference inserted them raw (MESSAGES.md §12). `link` is built
 * by us with every query value percent-encoded, and stays byte-identical to the `X-Link` header.
 */
function encodeForHtml(name: string, value: string): string {
  return name === 'link' ? value : escapeHtml(value);
}

/**
 * Looks templates up in the given folders, most specific first: the requested locale, then
 * AUTH_LOCALE_DEFAULT, in each folder in order (the operator's folder before the stock set), and
 * finally the stock English text. The reference fell back to the default locale's `email-verify`
 * whatever was asked for (FLOWS.md §20 Q4) and answered 500 beyond that.
 */
export function createTemplateStore(options: { folders: readonly TemplateFolder[]; defaultLocale: string; onFallback?: (info: { template: string; requested: string; used: string; dir: string }) => void }): TemplateStore {
  const { folders, defaultLocale } = options;
  function candidates(locale: string): Array<{ folder: TemplateFolder; locale: string }> {
    const list: Array<{ folder: TemplateFolder; locale: string }> = [];
    for (const folder of folders) {
      for (const l of [locale, defaultLocale]) list.push({ folder, locale: l });
    }
    const stock = folders[folders.length - 1];
    if (stock) list.push({ folder: stock, locale: LAST_RESORT_LOCALE });
    return list;
  }
  return {
    renderEmail(template, locale, variables) {
      for (const c of candidates(locale)) {
        const subject = c.folder.files.get(`${c.locale}/${template}/subject.txt`);
        const body = c.folder.files.get(`${c.locale}/${template}/body.html`);
        if (subject === undefined || body === undefined) continue;
        if (c.locale !== locale || c.folder !== folders[0]) options.onFallback?.({ template, requested: locale, used: c.locale, dir: c.folder.dir });
        const values = { ...variables, locale: c.locale };
        return {
          // CR and LF are removed from subjects (MESSAGES.md §8.3).
          subject: renderPlaceholders(subject, values).replace(/[\r\n]/g, ''),
          html: renderPlaceholders(body, values, encodeForHtml),
          locale: c.locale,
        };
      }
      throw new TemplateError(`no "${template}" template for locale "${locale}" or "${defaultLocale}"`);
    },
    renderSms(locale, variables) {
      for (const c of candidates(locale)) {
        const body = c.folder.files.get(`${c.locale}/${SMS_TEMPLATE_ID}/body.txt`);
        if (body !== undefined) return renderPlaceholders(body, { code: variables.code });
      }
      return null;
    },
  };
}
