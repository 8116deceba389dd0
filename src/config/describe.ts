/**
 * Human-facing views of the settings: `--help` text and the masked list logged at start-up.
 */
import type { ParsedValue } from './parse.js';
import { readBehind, type ReadResult } from './read.js';
import { SETTING_GROUPS, SETTINGS, type Setting } from './settings.js';
import type { Config } from './types.js';

/** Printed instead of a secret's value. */
export const MASK = '********';

/** Flag-name fragments whose values the reference never logs (CONFIG.md §1.3). */
const MASKED_FLAG_FRAGMENTS = ['pass', 'token', 'secret', 'key', 'license', 'postgres', 'client-id', 'client-secret'];

/** Whether a setting's value is kept out of logs: declared secret, or named like one (§1.3). */
export function isMasked(setting: Setting): boolean {
  return setting.secret === true || MASKED_FLAG_FRAGMENTS.some((f) => setting.flag.includes(f));
}

/** The default as plain text for `--help` and the docs. */
export function formatDefault(setting: Setting): string {
  if (setting.defaultNote !== undefined) return setting.defaultNote;
  switch (setting.type) {
    case 'list':
      return setting.default.length === 0 ? '(empty)' : setting.default.join(',');
    case 'json':
      return setting.default === '' ? '(not set)' : setting.default;
    case 'string':
      return setting.default === '' ? '(empty)' : setting.default;
    default:
      return String(setting.default);
  }
}

/** The type as shown to operators, with an enum's values. */
export function formatType(setting: Setting): string {
  return setting.type === 'enum' ? `enum: ${setting.values.join(' | ')}` : setting.type;
}

/** `--help`: every variable with its flag, type, default and description, grouped. */
export function describeSettings(): string {
  const lines = [
    'Usage: latchkey [--flag value | --flag=value ...]',
    '',
    'Every setting is an environment variable and a command-line flag; a flag wins over the',
    'environment, which wins over the default. Lists are comma-separated (items are not trimmed)',
    'and list flags may be repeated. Durations use Go syntax (90s, 1h30m). Booleans accept',
    '1/0, t/f, true/false; an empty boolean variable means false. See docs/configuration.md.',
    'Latchkey additions are marked [Latchkey].',
  ];
  for (const group of SETTING_GROUPS) {
    const members = (SETTINGS as readonly Setting[]).filter((s) => s.group === group);
    if (members.length === 0) continue;
    lines.push('', group);
    for (const s of members) {
      const names = [s.env, ...(s.alsoEnv ?? [])].join(' / ');
      lines.push(`  --${s.flag}, ${names}  (${formatType(s)}; default: ${formatDefault(s)})`);
      lines.push(`      ${s.latchkey ? '[Latchkey] ' : ''}${s.description}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function isEmpty(value: ParsedValue): boolean {
  return value === '' || (Array.isArray(value) && value.length === 0);
}

/**
 * Every setting's effective value for the start-up log, keyed by environment name, with secrets
 * (and everything the reference masks by flag name, CONFIG.md §1.3) replaced by `********`.
 * Empty values are shown as they are: that a secret is missing is not a secret.
 */
export function redactedSettings(source: Config | ReadResult): Record<string, unknown> {
  const read = 'settings' in source && source.settings instanceof Map ? (source as ReadResult) : readBehind(source);
  if (!read) throw new Error('redactedSettings needs a config returned by loadConfig');
  const out: Record<string, unknown> = {};
  for (const { setting, texts, value } of read.settings.values()) {
    let shown: unknown = value;
    // Durations are shown as written (`1m`), not as milliseconds.
    if (setting.type === 'duration') shown = texts.at(-1) || setting.default;
    if (isMasked(setting) && !isEmpty(value)) shown = MASK;
    out[setting.env] = shown;
  }
  return out;
}
