import { randomBytes } from 'node:crypto';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';
import { createBcryptPool } from './adapters/password/bcrypt-pool.js';
import type { PasswordHasher } from './adapters/password/password-hasher.js';
import { systemClock, type Clock } from './adapters/clock/clock.js';
import { cryptoRandom, type Random } from './adapters/random/random.js';
import { buildKeyRing, generateSigningKey, type KeyRing } from './adapters/tokens/index.js';
import { ConfigError, loadConfig, type Config } from './config/load.js';
import type { FlowDeps } from './flows/deps.js';
import { compileRedirectAllowList } from './flows/rules/redirect.js';
import { handlers } from './http/handlers/index.js';
import { buildServer } from './http/server.js';
import type { Database } from './store/db.js';
import { openEmbedded } from './store/embedded.js';
import { migrate } from './store/migrate.js';
import { openPostgres } from './store/postgres.js';
import { insertRoles } from './store/roles.js';
import { changeEnvToSettings } from './config/change-env.js';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { Mailer } from './adapters/mailer/mailer.js';
import { createPostmarkMailer } from './adapters/mailer/postmark-mailer.js';
import { createSmtpMailer } from './adapters/mailer/smtp-mailer.js';
import { createFolderMailer } from './adapters/mailer/folder-mailer.js';
import { createTemplateStore, firstExistingDirectory, loadTemplateFolder, type TemplateFolder, type TemplateStore } from './adapters/mailer/templates.js';
import { EmailPacer, linkBaseUrl } from './flows/emails.js';
import type { SmsSender } from './adapters/sms/sms.js';
import { createSmsSender } from './adapters/sms/create-sms-sender.js';
import { applyHasuraMetadata } from './adapters/hasura/metadata.js';
import { createHasuraGraphql } from './adapters/hasura/graphql.js';
import type { CustomClaimsSource } from './flows/custom-claims.js';
import { planCustomClaims } from './flows/rules/custom-claims.js';
import { encryptLegacyTotpSecrets } from './flows/mfa-totp.js';
import { createAbuseControls } from './abuse-controls.js';
import { createHibpCheck } from './adapters/hibp/hibp.js';

export const VERSION = '0.1.0';

/**
 * JSON logs on stdout. Request lines carry the path without its query string: tickets, codes and
 * OAuth parameters travel in queries and must never reach a log.
 */
export function createLogger(config: Config, destination?: { write(line: string): void }): Logger {
  const options: LoggerOptions = {
    level: config.log.level,
    base: { service: 'latchkey' },
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, path: req.url.split('?')[0], ip: req.ip }),
      err: pino.stdSerializers.err,
    },
  };
  // AUTH_LOG_FORMAT_TEXT: human-readable lines for a terminal; JSON lines otherwise.
  if (destination) return pino(options, destination);
  return config.log.format === 'text' ? pino(options, pretty({ colorize: true, sync: true })) : pino(options);
}

/** Adapters a caller (tests, benchmarks) may replace; `app.ts` picks the real ones otherwise. */
export interface AppOverrides {
  log?: Logger;
  clock?: Clock;
  random?: Random;
  hasher?: PasswordHasher;
  db?: Database;
  mailer?: Mailer;
  sms?: SmsSender;
}

export interface App {
  server: FastifyInstance;
  /** The live dependencies (swapped by `POST /change-env`). */
  deps(): FlowDeps;
  close(): Promise<void>;
}

function openDatabase(config: Config): Promise<Database> {
  return config.database.kind === 'external'
    ? Promise.resolve(openPostgres(config.database.url))
    : openEmbedded(config.database.dataDir);
}

/**
 * A secret from configuration, or, with the embedded database only (so a single instance), one
 * generated on first start and kept in the data folder so it survives restarts. An existing file
 * that cannot be read is an error: replacing it would silently invalidate every token.
 */
async function configuredOrStoredSecret(
  config: Config,
  log: Logger,
  secret: { variable: string; configured: string | null; fileName: string; generate: () => Promise<string> },
): Promise<string> {
  if (secret.configured !== null) return secret.configured;
  if (config.database.kind !== 'embedded') throw new Error(`${secret.variable} is required with an external database`);
  const file = path.join(config.storage.dataDir, secret.fileName);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const generated = await secret.generate();
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, generated, { mode: 0o600, flag: 'wx' });
  log.warn({ file }, `${secret.variable} is not set: generated one in the data folder (fine to try Latchkey; set the variable in production)`);
  return generated;
}

/**
 * Applies the schema migrations, through POSTGRES_MIGRATIONS_CONNECTION when it names another
 * connection (typically a more privileged role, CONFIG.md §5).
 */
async function runMigrations(config: Config, db: Database, log: Logger, isInjected: boolean): Promise<void> {
  const options = { log: (msg: string, fields?: Record<string, unknown>) => log.info(fields ?? {}, msg) };
  const migrationsUrl = config.database.kind === 'external' && !isInjected ? config.database.migrationsUrl : '';
  if (migrationsUrl === '') {
    await migrate(db, options);
    return;
  }
  const privileged = openPostgres(migrationsUrl, { max: 1 });
  try {
    await migrate(privileged, options);
  } finally {
    await privileged.close();
  }
}

/** The stock templates shipped with the package: `email-templates/` beside `package.json`. */
function stockTemplatesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'email-templates'))) return path.join(dir, 'email-templates');
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('the stock email-templates folder is missing from the installation');
    dir = parent;
  }
}

/**
 * Templates: the operator's folder (the first existing among AUTH_EMAIL_TEMPLATES_PATH,
 * ./email-templates and ./share/email-templates, MESSAGES.md §6.1) before the stock set, which
 * always backs it up. An unclosed `${` in any file stops start-up, as in the reference.
 */
async function loadTemplates(config: Config, log: Logger): Promise<TemplateStore> {
  const stock = await loadTemplateFolder(stockTemplatesDir());
  const customDir = await firstExistingDirectory([config.templates.path, path.resolve('email-templates'), path.resolve('share/email-templates')]);
  const folders: TemplateFolder[] = [stock];
  if (customDir !== null) {
    const custom = await loadTemplateFolder(customDir);
    if (custom.dir !== stock.dir) {
      folders.unshift(custom);
      log.info({ dir: custom.dir, files: custom.files.size }, 'using e-mail templates from this folder, backed by the stock set');
    }
  }
  return createTemplateStore({
    folders,
    defaultLocale: config.signUp.localeDefault,
    onFallback: (info) => log.warn(info, 'e-mail template missing for the requested locale or folder: using a fallback'),
  });
}

/**
 * AUTH_SMTP_HOST=postmark selects Postmark's template API; any other value is an SMTP relay. Unset
 * with the embedded database (trying Latchkey), messages are written to `<AUTH_DATA_DIR>/mail`.
 */
function createMailer(config: Config, templates: TemplateStore, log: Logger): Mailer {
  const { email } = config;
  if (email.usesPostmark) return createPostmarkMailer({ serverToken: email.smtp.password, sender: email.smtp.sender, baseUrl: email.postmarkApiUrl });
  if (email.smtp.host === '' && config.database.kind === 'embedded') {
    // Trying Latchkey: no relay needed, the messages land in the data folder.
    const dir = path.join(config.storage.dataDir, 'mail');
    log.warn({ dir }, 'AUTH_SMTP_HOST is not set: e-mails are written as .eml files to this folder instead of being sent');
    return createFolderMailer(dir, email.smtp, templates, (file, template) => log.info({ file, template }, 'e-mail written'));
  }
  if (email.smtp.host === '') log.warn('AUTH_SMTP_HOST is not set: requests that send an e-mail will fail with internal-server-error');
  return createSmtpMailer(email.smtp, templates);
}

/** The timeout of a custom-claims query (the reference waits forever, TOKENS.md §4.3). */
const CUSTOM_CLAIMS_TIMEOUT_MS = 10_000;

/** AUTH_JWT_CUSTOM_CLAIMS planned once; throws CustomClaimPathError for an unusable path. */
function customClaimsSource(config: Config): CustomClaimsSource | undefined {
  if (Object.keys(config.jwt.customClaims).length === 0) return undefined;
  const hasura = createHasuraGraphql({ url: config.hasura.graphqlUrl, adminSecret: config.hasura.adminSecret, timeoutMs: CUSTOM_CLAIMS_TIMEOUT_MS });
  return { plan: planCustomClaims(config.jwt.customClaims), defaults: config.jwt.customClaimsDefaults, hasura };
}

/**
 * Start-up step 4 (CONFIG.md §1.3): the `auth` tables' Hasura metadata; a refusal stops start-up.
 * Without HASURA_GRAPHQL_GRAPHQL_URL there is no Hasura to configure (the reference fails then).
 */
async function configureHasura(config: Config, log: Logger): Promise<void> {
  if (config.hasura.graphqlUrl === '') {
    log.info('HASURA_GRAPHQL_GRAPHQL_URL is not set: no Hasura metadata applied');
    return;
  }
  await applyHasuraMetadata({ url: config.hasura.metadataUrl, adminSecret: config.hasura.adminSecret, log });
}

/** Wires configuration, database, adapters and HTTP server: the one place adapters are chosen. */
export async function createApp(config: Config, overrides: AppOverrides = {}, env: Record<string, string | undefined> = {}): Promise<App> {
  const log = overrides.log ?? createLogger(config);
  if (overrides.db) return assembleApp(config, overrides, env, log, overrides.db);
  const db = await openDatabase(config);
  if (config.database.kind === 'embedded') log.info({ dataDir: config.database.dataDir }, 'using the embedded PostgreSQL (PGlite)');
  try {
    return await assembleApp(config, overrides, env, log, db);
  } catch (err) {
    await db.close().catch(() => {}); // a failed start must not leave the database open
    throw err;
  }
}

async function assembleApp(config: Config, overrides: AppOverrides, env: Record<string, string | undefined>, log: Logger, db: Database): Promise<App> {
  const startClaims = customClaimsSource(config); // an unusable path stops start-up before anything runs
  await runMigrations(config, db, log, overrides.db !== undefined);
  await configureHasura(config, log);
  await insertRoles(db, [...config.signUp.rolesToRegister]);
  const signingSecret = await configuredOrStoredSecret(config, log, {
    variable: 'HASURA_GRAPHQL_JWT_SECRET',
    configured: config.jwt.secret,
    fileName: 'jwt-secret.json',
    generate: generateSigningKey, // RS256, published in the JWKS
  });
  const keys: KeyRing = await buildKeyRing(signingSecret, config.jwt.previousSecrets);
  for (const warning of keys.rotationWarnings((overrides.clock ?? systemClock).now())) log.warn(warning);
  // AUTH_ENCRYPTION_KEY encrypts TOTP secrets and provider tokens at rest.
  const encryptionKeyHex = await configuredOrStoredSecret(config, log, {
    variable: 'AUTH_ENCRYPTION_KEY',
    configured: config.encryption.keyHex,
    fileName: 'encryption-key.hex',
    generate: async () => randomBytes(32).toString('hex'),
  });
  const encryptionKey = Buffer.from(encryptionKeyHex, 'hex');
  await encryptLegacyTotpSecrets(db, encryptionKey, log); // SCHEMA-NEWER.md §4.6, after the migrations
  const templates = await loadTemplates(config, log);
  if (config.server.serverUrl === '') log.warn({ linkBase: linkBaseUrl(config.server) }, 'AUTH_SERVER_URL is not set: links in e-mails point to this server on localhost');
  const emailPacer = new EmailPacer();
  const hasher = overrides.hasher ?? createBcryptPool({ cost: config.password.hashCost, workers: config.password.hashWorkers, queueLimit: config.password.hashQueueLimit });

  // Built once: the reference keeps its start-up redirect validator even after /change-env.
  const redirects = compileRedirectAllowList(config.server.clientUrl, [...config.redirects.allowedUrls]);
  const build = (cfg: Config): FlowDeps => ({
    config: cfg,
    db,
    keys,
    encryptionKey,
    hasher,
    clock: overrides.clock ?? systemClock,
    random: overrides.random ?? cryptoRandom,
    redirects,
    log,
    // Rebuilt with the configuration: /change-env may point the server at another relay.
    mailer: overrides.mailer ?? createMailer(cfg, templates, log),
    emailPacer,
    // Rebuilt with the configuration: /change-env may turn SMS sign-in on or off.
    sms: overrides.sms ?? createSmsSender(cfg, (locale, variables) => templates.renderSms(locale, variables), log),
    passwordBreachCheck: createHibpCheck({ baseUrl: cfg.password.hibpApiUrl }),
    version: VERSION,
    customClaims: cfg === config ? startClaims : customClaimsSource(cfg),
    changeEnv: cfg.server.enableChangeEnv ? changeEnv : undefined,
  });
  let live = build(config);
  let liveEnv = { ...env };
  // Test-only (AUTH_ENABLE_CHANGE_ENV): re-reads the configuration with the changes applied.
  async function changeEnv(changes: Record<string, unknown>): Promise<void> {
    const nextEnv = { ...liveEnv, ...changeEnvToSettings(changes) };
    let next: Config;
    try {
      next = loadConfig(nextEnv);
    } catch (err) {
      if (err instanceof ConfigError) throw Object.assign(new Error(err.problems.join('; ')), { statusCode: 400 });
      throw err;
    }
    await insertRoles(db, [...next.signUp.rolesToRegister]);
    liveEnv = nextEnv;
    live = build(next);
  }
  if (config.providers.azuread.enabled) log.warn('AUTH_PROVIDER_AZUREAD_ENABLED: the azuread provider (Azure AD v1 endpoints) is deprecated; use entraid (AUTH_PROVIDER_ENTRAID_*) instead');
  if (config.server.enableChangeEnv) log.warn('AUTH_ENABLE_CHANGE_ENV is on: POST /change-env can rewrite the configuration. Never enable it in production.');

  const abuse = await createAbuseControls(config, log, () => live);
  const server = buildServer({ log, handlers, currentDeps: () => live, guards: abuse.guards });
  return {
    server,
    deps: () => live,
    async close() {
      await server.close();
      await abuse.close();
      await live.mailer.close();
      if (!overrides.hasher) await hasher.close();
      if (!overrides.db) await db.close();
    },
  };
}
