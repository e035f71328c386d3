import { createTestDatabase, type TestDatabase } from '@enclavia/db/testing';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { startCallbackServer } from './support/callback-server.js';
import { connectWithOAuth, HeadlessOAuthProvider } from './support/oauth-client.js';
import { type Stack, startStack } from './support/stack.js';

let database: TestDatabase;
let stack: Stack;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let callbackServer: Awaited<ReturnType<typeof startCallbackServer>>;
let redirectUri: string;

beforeAll(async () => {
  database = await createTestDatabase();
  stack = await startStack(database);
  browser = await launchBrowser();
  callbackServer = await startCallbackServer();
  redirectUri = callbackServer.redirectUri;
});
afterAll(async () => {
  await browser?.close();
  callbackServer?.close();
  await stack?.close();
  await database?.close();
});

async function signInAndApprove(context: BrowserContext, url: URL): Promise<URL> {
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });

  await page.goto(url.href);
  await page.getByLabel('Email').fill('frank@example.com');
  await page.getByRole('button', { name: 'Continue' }).click();

  await page.getByRole('button', { name: 'Approve' }).waitFor();
  const consent = await page.locator('main').innerText();
  expect(consent).toContain('Enclavia test client');
  expect(consent).toContain(new URL(redirectUri).host);
  expect(consent).toMatch(/runs on your own computer/);
  expect(await page.getByRole('checkbox').count()).toBe(3);
  await page.getByRole('button', { name: 'Approve' }).click();

  await page.waitForURL((u) => u.href.startsWith(redirectUri));
  expect(await page.locator('body').innerText()).toContain('Connected');
  expect(cspViolations).toEqual([]);
  const callback = new URL(page.url());
  await page.close();
  return callback;
}

it('a person signs in and approves in a real browser, and the client then calls a tool', async () => {
  const provider = new HeadlessOAuthProvider(redirectUri, (url) => signInAndApprove(browser.context, url));
  const client = await connectWithOAuth(stack.mcpUrl, provider);
  const result = await client.callTool({ name: 'mcp_whoami', arguments: {} });
  expect((result.structuredContent as { user: { email: string } }).user.email).toBe('frank@example.com');
  await client.close();
});
