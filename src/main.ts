#!/usr/bin/env node
import { createApp, VERSION } from './app.js';
import { cliCommand, ConfigError, describeSettings, loadConfig, redactedSettings } from './config/load.js';
import { renderConfigurationDoc } from './config/docs.js';

/** The one place the process environment and arguments enter the program. */
async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const command = cliCommand(argv);
  if (command === 'help') return void process.stdout.write(describeSettings());
  if (command === 'version') return void process.stdout.write(`${VERSION}\n`);
  if (command === 'docs') return void process.stdout.write(renderConfigurationDoc());
  let config;
  try {
    config = loadConfig(env, argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`latchkey: invalid configuration:\n${err.problems.map((p) => `  - ${p}`).join('\n')}\n`);
      process.exit(2);
    }
    throw err;
  }
  const app = await createApp(config, {}, env);
  const log = app.deps().log;
  log.info({ settings: redactedSettings(config) }, 'configuration');
  const address = await app.server.listen({ port: config.server.port, host: config.server.host });
  log.info({ address }, 'latchkey is listening');
  const stop = async (signal: string): Promise<void> => {
    log.info({ signal }, 'shutting down');
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

await main(process.argv.slice(2), process.env);
