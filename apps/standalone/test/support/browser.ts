import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium, headless, in a fresh profile, allowed to reach loopback only. */
export async function launchBrowser(
  options: { reroute?: { hosts: string[]; to: string } } = {},
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'enclavia-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (['127.0.0.1', 'localhost'].includes(url.hostname)) return route.continue();
    // Stand-ins for outside hosts (GitHub, Google) answer on loopback; nothing else leaves.
    if (options.reroute?.hosts.includes(url.hostname)) {
      const target = new URL(`${url.pathname}${url.search}`, options.reroute.to);
      return route.fulfill({ response: await route.fetch({ url: target.href, maxRedirects: 0 }) });
    }
    return route.abort();
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
