// Headless Chromium for tests that look at a page as a person would: Debian's `chromium`
// package driven by playwright-core (which downloads no browser of its own).
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const FLAGS = [
  '--headless',
  '--no-sandbox', // tests run as root in CI, where Chromium's sandbox refuses to start
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  // No calls home: the machines reach no network but the package registries.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A launched browser, or undefined (with a warning saying why) when no Chromium is installed,
 * so a test can `this.skip()`. CHROMIUM_PATH overrides /usr/bin/chromium.
 */
export async function launchBrowser(): Promise<Browser | undefined> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    // eslint-disable-next-line no-console -- the reason a browser test skips belongs in the test output
    console.warn(`No Chromium at ${executablePath} (apt-get install -y chromium, or set CHROMIUM_PATH): skipping`);
    return undefined;
  }
  return chromium.launch({ executablePath, headless: true, args: FLAGS });
}
