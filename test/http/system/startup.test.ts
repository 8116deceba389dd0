import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const packageVersion = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string }).version;

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI from source with only these variables (plus PATH and HOME for npx). A process that
 * outlives the timeout is killed, so a configuration that unexpectedly starts the server fails
 * the test instead of hanging it.
 */
function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 20_000): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'src/main.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('loadConfig accepted the configuration');
}

describe('configuration problems at start-up', () => {
  it('reports every invalid variable together, one problem each, naming the variable', () => {
    const problems = problemsOf({
      AUTH_PORT: 'abc',
      AUTH_MFA_ENABLED: 'yes',
      AUTH_ACCESS_TOKEN_EXPIRES_IN: 'soon',
      AUTH_REQUIRE_ELEVATED_CLAIM: 'sometimes',
      AUTH_JWT_PREVIOUS_SECRETS: '{"type":"HS256"}',
    });
    for (const name of ['AUTH_PORT', 'AUTH_MFA_ENABLED', 'AUTH_ACCESS_TOKEN_EXPIRES_IN', 'AUTH_REQUIRE_ELEVATED_CLAIM', 'AUTH_JWT_PREVIOUS_SECRETS']) {
      expect(problems.filter((p) => p.startsWith(`${name}:`)), `${name} in ${JSON.stringify(problems)}`).toHaveLength(1);
    }
    expect(problems).toHaveLength(5);
  });

  it('lists the problems in the error message as well', () => {
    try {
      loadConfig({ AUTH_PORT: 'abc', AUTH_MFA_ENABLED: 'yes' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(/AUTH_PORT/);
      expect((err as Error).message).toMatch(/AUTH_MFA_ENABLED/);
    }
  });
});

describe('the command line', () => {
  it('prints every setting with --help and exits 0', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const name of ['AUTH_API_PREFIX', 'HASURA_GRAPHQL_JWT_SECRET', 'AUTH_PORT', 'AUTH_CONCEAL_ERRORS', 'AUTH_JWT_PREVIOUS_SECRETS']) {
      expect(stdout).toContain(name);
    }
  });

  it('refuses an invalid configuration with exit code 2 and every problem on stderr', async () => {
    const { code, stdout, stderr } = await runCli([], { AUTH_PORT: 'abc', AUTH_MFA_ENABLED: 'yes' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/AUTH_PORT: .*abc/);
    expect(stderr).toMatch(/AUTH_MFA_ENABLED: .*yes/);
    expect(stdout).not.toMatch(/listening/);
  });

  it('names the flag when the bad value came from the command line', async () => {
    const { code, stderr } = await runCli(['--port', 'abc', '--no-such-flag'], { AUTH_MFA_ENABLED: 'yes' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/--port: .*abc/);
    expect(stderr).toMatch(/--no-such-flag/);
    expect(stderr).toMatch(/AUTH_MFA_ENABLED/);
  });

  it('prints the settings as markdown with the docs sub-command', async () => {
    const { code, stdout } = await runCli(['docs'], { AUTH_PORT: 'abc' });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^# /m);
    expect(stdout).toContain('AUTH_API_PREFIX');
  });

  it('prints the version with --version and exits 0 (CONFIG.md §1.1)', async () => {
    const { code, stdout } = await runCli(['--version'], { AUTH_PORT: 'abc' });
    expect(code).toBe(0);
    expect(stdout).toContain(packageVersion);
  });
});
