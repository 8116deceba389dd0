import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; playwright-core never downloads a browser of its own. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Browser tests run when Chromium is installed. CI (`.ci/run`) installs it and sets
 * LATCHKEY_REQUIRE_BROWSER=1, so there a missing browser fails instead of skipping.
 */
export const isBrowserAvailable = existsSync(CHROMIUM_PATH) || process.env['LATCHKEY_REQUIRE_BROWSER'] === '1';

/** Headless Chromium with the flags this closed network needs (no background connections). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
