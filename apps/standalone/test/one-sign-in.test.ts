import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { startCallbackServer } from './support/callback-server.js';
import { authorizationRequest } from './support/flow.js';
import { registerClient } from './support/register.js';
import { useStack } from './support/stack.js';

// Signing in to connect an app also signs in to the dashboard, and the reverse: one sign-in.
const ctx = useStack();
let callback: Awaited<ReturnType<typeof startCallbackServer>>;
let clientId: string;

beforeAll(async () => {
  callback = await startCallbackServer();
  ({ client_id: clientId } = await registerClient(ctx.stack.issuer, callback.redirectUri, {
    client_name: 'One sign-in client',
  }));
});
afterAll(() => callback?.close());

const authorizeUrl = () =>
  authorizationRequest(ctx.stack.issuer, { clientId }, { redirectUri: callback.redirectUri }).url.href;

it('connect an app, then open the dashboard: it is there, without a second sign-in', async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(authorizeUrl());
    await page.getByLabel('Email').fill('olga@example.com');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((u) => u.href.startsWith(callback.redirectUri));

    await page.goto(`${ctx.stack.issuer}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    const text = await page.locator('main').innerText();
    expect(text).toContain('Signed in as olga@example.com');
    expect(text).toContain('One sign-in client');
  } finally {
    await browser.close();
  }
});

it('sign in to the dashboard, then connect an app: straight to consent, as the same person', async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${ctx.stack.issuer}/dashboard`);
    await page.getByLabel('Email').fill('piet@example.com');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    await page.goto(authorizeUrl());
    await page.getByRole('button', { name: 'Approve' }).waitFor();
    expect(await page.getByLabel('Email').count()).toBe(0);
    expect(await page.locator('main').innerText()).toContain('piet@example.com');
  } finally {
    await browser.close();
  }
});
