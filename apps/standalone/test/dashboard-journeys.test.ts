import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { useStack } from './support/stack.js';

// What a person does on the dashboard, in Chromium: create a token (once, even after a reload),
// get a form's error next to what they typed, and revoke only after saying yes.
const ctx = useStack();
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await page.goto(`${ctx.stack.issuer}/dashboard`);
  await page.getByLabel('Email').fill('dana@example.com');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
});
afterAll(async () => browser?.close());

const tokenRows = () =>
  page.locator('section, table').filter({ hasText: 'enclavia_pat_' }).locator('tbody tr');

it('starts empty, saying how to connect', async () => {
  const text = await page.locator('main').innerText();
  expect(text).toContain('No app is connected');
  expect(text).toContain(ctx.stack.mcpUrl);
  expect(text).toContain('No personal access token');
  expect(await page.getByRole('navigation', { name: 'Main' }).innerText()).toContain('Dashboard');
});

it('a form with an error keeps what was typed and says what is wrong next to the field', async () => {
  await page.getByLabel('Token name').fill('Laptop at home');
  await page.getByLabel('Expires in').selectOption('90');
  await page.getByRole('checkbox', { name: /enclaves:read/ }).uncheck();
  await page.getByRole('button', { name: 'Create token' }).click();
  await page.getByText('Choose at least one scope.').waitFor();
  expect(await page.getByLabel('Token name').inputValue()).toBe('Laptop at home');
  expect(await page.getByLabel('Expires in').inputValue()).toBe('90');
  const scopes = page.getByRole('group', { name: 'Scopes' });
  expect(await scopes.getAttribute('aria-invalid')).toBe('true');
  expect(await scopes.innerText()).toContain('Choose at least one scope.');
});

it('a new token is shown once with snippets; reloading shows it no more and creates no other', async () => {
  await page.getByRole('checkbox', { name: /enclaves:read/ }).check();
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = await page.getByLabel('Personal access token').inputValue();
  expect(token).toMatch(/^enclavia_pat_/);
  const text = await page.locator('main').innerText();
  expect(text).toContain('it will not be shown again');
  expect(text).toContain('"mcpServers"');
  expect(text).toContain(
    `npx -y mcp-remote ${ctx.stack.mcpUrl} --header "Authorization:Bearer \${ENCLAVIA_TOKEN}"`,
  );
  expect((await callToolOverHttp(ctx.stack.mcpUrl, token, 'mcp_whoami')).status).toBe(200);

  await page.reload();
  expect(await page.locator('main').innerText()).not.toContain(token);
  expect(await page.locator('main').innerText()).toContain('shown only once');
  expect(await tokenRows().count()).toBe(1);
  await page.goto(`${ctx.stack.issuer}/dashboard`);
  expect(await tokenRows().count()).toBe(1);
});

it('Revoke asks first: the first click changes nothing, Cancel keeps it, yes revokes it and says which', async () => {
  await page.goto(`${ctx.stack.issuer}/dashboard`);
  await page.getByRole('button', { name: 'Revoke token Laptop at home' }).click();
  await page.getByRole('heading', { name: 'Revoke token Laptop at home?' }).waitFor();
  await page.getByRole('link', { name: 'Cancel' }).click();
  expect(await tokenRows().count()).toBe(1);

  await page.getByRole('button', { name: 'Revoke token Laptop at home' }).click();
  await page.getByRole('button', { name: 'Yes, revoke token Laptop at home' }).click();
  await page.getByRole('status').waitFor();
  expect(await page.getByRole('status').innerText()).toBe('Personal access token revoked: Laptop at home.');
  expect(await tokenRows().count()).toBe(0);
});
