/**
 * Reads every setting from the command line, the environment and the defaults (in that order of
 * precedence, CONFIG.md §1.1) and parses it by type. Problems are collected, not thrown.
 */
import { parseBool, parseDurationMs, parseSettingValue, type ParsedValue } from './parse.js';
import { SETTINGS, type Setting } from './settings.js';

/** Where a setting's value came from. */
export type SettingSource = 'flag' | 'env' | 'default';

export interface ReadSetting {
  readonly setting: Setting;
  readonly source: SettingSource;
  /** `--flag` or the environment name actually read (the primary one for defaults). */
  readonly origin: string;
  /** The raw text(s) read; empty for defaults. */
  readonly texts: readonly string[];
  /** Parsed value, or the default when parsing failed. */
  readonly value: ParsedValue;
  /** The text did not parse; a problem is already listed. */
  readonly invalid: boolean;
}

export interface ReadResult {
  /** Keyed by the setting's primary environment name. */
  readonly settings: ReadonlyMap<string, ReadSetting>;
  readonly problems: readonly string[];
}

const BY_FLAG = new Map<string, Setting>((SETTINGS as readonly Setting[]).map((s) => [s.flag, s]));

/** What the command line asks for besides serving. */
export type CliCommand = 'serve' | 'help' | 'version' | 'docs';

/**
 * The root command is the server; `--help`/`-h`, `--version` and the `docs` sub-command print
 * instead. Check this before `loadConfig`, which treats these words as unknown arguments.
 */
export function cliCommand(argv: readonly string[]): CliCommand {
  if (argv.some((a) => a === '--help' || a === '-h' || a === '-help')) return 'help';
  if (argv.some((a) => a === '--version' || a === '-version')) return 'version';
  if (argv[0] === 'docs') return 'docs';
  return 'serve';
}

/**
 * Splits argv (without `node` and the script) into raw texts per flag. Accepts `--name value`,
 * `--name=value` and single-dash forms, as Go's flag syntax does. A boolean flag alone means
 * true; it takes the next argument only when that is a boolean word (`--debug false`).
 */
function readArgv(argv: readonly string[], problems: string[]): Map<Setting, string[]> {
  const texts = new Map<Setting, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const match = /^--?([^=]+)(?:=([\s\S]*))?$/.exec(arg);
    if (!match || arg === '-' || arg === '--') {
      problems.push(`unexpected command-line argument "${arg}"`);
      continue;
    }
    const name = match[1] as string;
    const setting = BY_FLAG.get(name);
    if (!setting) {
      problems.push(`unknown command-line flag --${name}`);
      continue;
    }
    let text = match[2];
    if (text === undefined) {
      const next = argv[i + 1];
      if (setting.type === 'boolean') {
        text = next !== undefined && parseBool(next).ok ? (i++, next) : 'true';
      } else if (next === undefined) {
        problems.push(`--${name}: needs a value`);
        continue;
      } else {
        text = next;
        i++;
      }
    }
    const seen = texts.get(setting) ?? [];
    // Only list flags accumulate; for every other type the last occurrence wins.
    texts.set(setting, setting.type === 'list' ? [...seen, text] : [text]);
  }
  return texts;
}

/** The first defined environment name of the setting, if any; defined-but-empty counts. */
function envText(setting: Setting, env: Record<string, string | undefined>): { name: string; text: string } | null {
  for (const name of [setting.env, ...(setting.alsoEnv ?? [])]) {
    const text = Object.hasOwn(env, name) ? env[name] : undefined;
    if (text !== undefined) return { name, text };
  }
  return null;
}

function describeValue(setting: Setting, texts: readonly string[]): string {
  if (setting.secret) return 'the value';
  return texts.map((t) => JSON.stringify(t)).join(', ');
}

/** Reads and parses every declared setting. Unknown environment variables are ignored. */
export function readSettings(env: Record<string, string | undefined>, argv: readonly string[] = []): ReadResult {
  const problems: string[] = [];
  const fromArgv = readArgv(argv, problems);
  const settings = new Map<string, ReadSetting>();
  for (const setting of SETTINGS as readonly Setting[]) {
    const flagTexts = fromArgv.get(setting);
    const fromEnv = flagTexts ? null : envText(setting, env);
    const source: SettingSource = flagTexts ? 'flag' : fromEnv ? 'env' : 'default';
    const origin = flagTexts ? `--${setting.flag}` : (fromEnv?.name ?? setting.env);
    const texts = flagTexts ?? (fromEnv ? [fromEnv.text] : []);
    let value = defaultValue(setting);
    let invalid = false;
    if (source !== 'default') {
      const parsed = parseSettingValue(setting, texts);
      if (parsed.ok) value = parsed.value;
      else problems.push(`${origin}: ${describeValue(setting, texts)} ${parsed.error}`);
      invalid = !parsed.ok;
    }
    settings.set(setting.env, { setting, source, origin, texts, value, invalid });
  }
  return { settings, problems };
}

/** The parsed default of a setting; durations are declared in Go syntax and always parse. */
export function defaultValue(setting: Setting): ParsedValue {
  if (setting.type !== 'duration') return setting.default;
  const parsed = parseDurationMs(setting.default);
  if (!parsed.ok) throw new Error(`invalid default for ${setting.env}: ${parsed.error}`);
  return parsed.value;
}

/** What each loaded config was read from, so `redactedSettings(config)` can list the inputs. */
const READS = new WeakMap<object, ReadResult>();

export function rememberRead(config: object, read: ReadResult): void {
  READS.set(config, read);
}

/** The read behind a config returned by `loadConfig`, if it came from there. */
export function readBehind(config: object): ReadResult | undefined {
  return READS.get(config);
}
