import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MailDeliveryError, type Mailer } from './mailer.js';
import { composeMessage, type SmtpSettings } from './smtp-mailer.js';
import type { TemplateStore } from './templates.js';

/**
 * For trying Latchkey without a mail server: every message is written as an `.eml` file (the
 * exact bytes SMTP would carry) into a folder, where any mail client can open it. Only chosen for
 * the embedded database with AUTH_SMTP_HOST unset; production points AUTH_SMTP_HOST at a relay.
 */
export function createFolderMailer(dir: string, settings: SmtpSettings, templates: TemplateStore, onWritten: (file: string, template: string) => void): Mailer {
  let sequence = 0;
  return {
    async send(email) {
      const message = await composeMessage(settings, templates, email);
      sequence += 1;
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const file = path.join(dir, `${stamp}-${String(sequence).padStart(4, '0')}-${email.template}.eml`);
      try {
        await mkdir(dir, { recursive: true });
        await writeFile(file, message.raw, { mode: 0o600 });
      } catch (err) {
        throw new MailDeliveryError(`could not write the e-mail to ${dir}`, { cause: err });
      }
      onWritten(file, email.template);
    },
    async close() {},
  };
}
