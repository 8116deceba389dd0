import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import type { Database } from '../store/db.js';
import type { KeyRing } from '../adapters/tokens/index.js';
import type { PasswordHasher } from '../adapters/password/password-hasher.js';
import type { Clock } from '../adapters/clock/clock.js';
import type { Random } from '../adapters/random/random.js';
import type { RedirectAllowList } from './rules/redirect.js';
import type { Mailer } from '../adapters/mailer/mailer.js';
import type { EmailPacer } from './emails.js';
import type { SmsSender } from '../adapters/sms/sms.js';
import type { CustomClaimsSource } from './custom-claims.js';

/** Everything a flow may use; built in `app.ts`, the only place concrete adapters are chosen. */
export interface FlowDeps {
  readonly config: Config;
  readonly db: Database;
  readonly keys: KeyRing;
  /** AUTH_ENCRYPTION_KEY: encrypts TOTP secrets and provider tokens at rest. */
  readonly encryptionKey: Buffer;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  readonly random: Random;
  /** Compiled from AUTH_CLIENT_URL + AUTH_ACCESS_CONTROL_ALLOWED_REDIRECT_URLS once at start-up. */
  readonly redirects: RedirectAllowList;
  readonly log: Logger;
  /** SMTP or Postmark, chosen from AUTH_SMTP_HOST. */
  readonly mailer: Mailer;
  readonly emailPacer: EmailPacer;
  /** AUTH_SMS_PROVIDER (Twilio Messages or Verify, Modica, dev); absent unless AUTH_SMS_PASSWORDLESS_ENABLED. */
  readonly sms?: SmsSender;
  /** Have I Been Pwned range check (AUTH_PASSWORD_HIBP_ENABLED); true when the password is breached. */
  readonly passwordBreachCheck?: (password: string) => Promise<boolean>;
  readonly version: string;
  /** AUTH_JWT_CUSTOM_CLAIMS through Hasura; absent when none are configured. */
  readonly customClaims?: CustomClaimsSource;
  /** Test-only runtime reconfiguration (AUTH_ENABLE_CHANGE_ENV); absent otherwise. */
  readonly changeEnv?: (changes: Record<string, unknown>) => Promise<void>;
}
