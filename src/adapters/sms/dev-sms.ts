import type { Logger } from 'pino';
import { renderSmsText, type SmsRenderer, type SmsTextSender } from './sms.js';

/**
 * AUTH_SMS_PROVIDER=dev (MESSAGES.md §7.6): nothing is sent; each message is written to the log at
 * info level as `Dev SMS sent` with `to` and `body`, exactly as the reference does, so a developer
 * can read the code. The body holds the code: `app.ts` warns at start-up that this provider is for
 * development only.
 */
export function createDevSmsSender(log: Logger, render: SmsRenderer): SmsTextSender {
  return {
    kind: 'text',
    async sendCode(message) {
      log.info({ to: message.to, body: renderSmsText(render, message) }, 'Dev SMS sent');
    },
  };
}
