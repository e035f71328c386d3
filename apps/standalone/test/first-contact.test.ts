import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { useStack } from './support/stack.js';

// A newcomer opens the addresses `pnpm start` prints: each is a page saying what to do next, while
// clients that ask for JSON keep their JSON.
const ctx = useStack();
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.context.newPage();
});
afterAll(async () => browser?.close());

it('/ names the MCP URL to paste, how to add it to Claude and Claude Code, and leads to the dashboard', async () => {
  const response = await page.goto(`${ctx.stack.issuer}/`);
  expect(response?.status()).toBe(200);
  expect(await page.getByLabel('MCP server URL').inputValue()).toBe(ctx.stack.mcpUrl);
  const text = await page.locator('main').innerText();
  expect(text).toContain('Add custom connector');
  expect(text).toContain(`claude mcp add --transport http enclavia ${ctx.stack.mcpUrl}`);
  expect(text).toContain('Claude Desktop');
  await page.getByRole('link', { name: 'dashboard' }).first().click();
  // Not signed in yet: the dashboard asks who you are.
  await page.getByLabel('Email').waitFor();
  expect(new URL(page.url()).pathname).toBe('/login');
});

it('an unknown address in a browser is a page pointing home; for a JSON client it stays JSON', async () => {
  const response = await page.goto(`${ctx.stack.issuer}/no/such/page`);
  expect(response?.status()).toBe(404);
  expect(await page.getByRole('heading').first().innerText()).toBe('Page not found');
  expect(await page.locator('main').innerText()).toContain(ctx.stack.mcpUrl);
  await page.getByRole('link', { name: 'How to connect' }).click();
  await page.getByLabel('MCP server URL').waitFor();

  const json = await fetch(`${ctx.stack.issuer}/no/such/page`, { headers: { accept: 'application/json' } });
  expect(json.status).toBe(404);
  expect(await json.json()).toMatchObject({ message: 'Route GET:/no/such/page not found' });
});

it('the MCP URL in a browser says what it is for, and still challenges clients', async () => {
  const response = await page.goto(ctx.stack.mcpUrl);
  expect(response?.status()).toBe(401);
  expect(response?.headers()['www-authenticate']).toMatch(/^Bearer .*resource_metadata=/);
  const text = await page.locator('main').innerText();
  expect(text).toContain('This is an MCP server address');
  expect(text).toContain(ctx.stack.mcpUrl);
  await page.getByRole('link', { name: 'How to connect' }).click();
  expect(await page.getByLabel('MCP server URL').inputValue()).toBe(ctx.stack.mcpUrl);

  const client = await fetch(ctx.stack.mcpUrl, { headers: { accept: 'text/event-stream' } });
  expect(client.status).toBe(401);
  expect(client.headers.get('content-type')).toMatch(/json/);
  expect(client.headers.get('www-authenticate')).toMatch(/^Bearer /);
});

it('an unknown address on the MCP origin in a browser is a page naming the MCP URL; for a client it stays JSON', async () => {
  const unknown = new URL('/no/such/page', ctx.stack.mcpUrl).href;
  const response = await page.goto(unknown);
  expect(response?.status()).toBe(404);
  expect(response?.headers()['content-security-policy']).toMatch(/default-src 'none'/);
  expect(await page.getByRole('heading').first().innerText()).toBe('Page not found');
  expect(await page.locator('main').innerText()).toContain(ctx.stack.mcpUrl);
  await page.getByRole('link', { name: 'How to connect' }).click();
  expect(await page.getByLabel('MCP server URL').inputValue()).toBe(ctx.stack.mcpUrl);

  const json = await fetch(unknown, { headers: { accept: 'application/json' } });
  expect(json.status).toBe(404);
  expect(await json.json()).toMatchObject({ message: 'Route GET:/no/such/page not found' });
});
