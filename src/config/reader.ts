/**
 * Typed access to the values `readSettings` produced, plus the problem list the section builders
 * append to. Builders name the variable in a problem through `origin`, so the message points at
 * what the operator actually set (`--flag`, or the environment name that was read).
 */
import type { ReadResult, SettingSource } from './read.js';
import { defaultValue } from './read.js';
import type { SettingEnv, SettingValue } from './settings.js';

export interface Reader {
  /** The parsed value (the default when the input did not parse; that problem is already listed). */
  get<E extends SettingEnv>(env: E): SettingValue<E>;
  /** The declared default, parsed. */
  defaultOf<E extends SettingEnv>(env: E): SettingValue<E>;
  source(env: SettingEnv): SettingSource;
  /** The input did not parse (its problem is listed): skip further checks on it. */
  isInvalid(env: SettingEnv): boolean;
  /** `--flag` or the environment name that was read. */
  origin(env: SettingEnv): string;
  /** Adds a problem about one setting. */
  problem(env: SettingEnv, message: string): void;
  /** Adds a problem that spans settings. */
  note(message: string): void;
  readonly problems: readonly string[];
}

export function createReader(read: ReadResult): Reader {
  const problems = [...read.problems];
  const entry = (env: SettingEnv) => {
    const found = read.settings.get(env);
    if (!found) throw new Error(`undeclared setting ${env}`);
    return found;
  };
  return {
    get: <E extends SettingEnv>(env: E) => entry(env).value as SettingValue<E>,
    defaultOf: <E extends SettingEnv>(env: E) => defaultValue(entry(env).setting) as SettingValue<E>,
    source: (env) => entry(env).source,
    isInvalid: (env) => entry(env).invalid,
    origin: (env) => entry(env).origin,
    problem: (env, message) => problems.push(`${entry(env).origin}: ${message}`),
    note: (message) => problems.push(message),
    problems,
  };
}
