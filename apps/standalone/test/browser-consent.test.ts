import { createTestDatabase, type TestDatabase } from '@enclavia/db/testing';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { startCallbackServer } from './support/callback-server.js';
import { authorizationRequest, tokenRequest } from './support/flow.js';
import { connectWithOAuth, HeadlessOAuthProvider } from './support/oauth-client.js';
import { registerClient } from './support/register.js';
import { type Stack, startStack } from './support/stack.js';
import { personalWorkspaceAdmin } from './support/web-session.js';

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

it('Cursor returns to its own scheme: refused until the workspace allows it, then followed by the browser', async () => {
  const cursorCallback = 'cursor://anysphere.cursor-mcp/oauth/callback';
  // The browser is signed in as frank already when the first test ran.
  const email = 'frank@example.com';
  const admin = await personalWorkspaceAdmin(stack.issuer, email);
  const { client_id: clientId } = await registerClient(stack.issuer, cursorCallback, {
    client_name: 'Cursor',
  });
  const page = await browser.context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  // What the browser itself sends, redirects included: the one place a request to an app's scheme
  // shows (Playwright's routing hides it), and only when CSP `form-action` let the redirect through.
  const sent: string[] = [];
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.requestWillBeSent', (event) => sent.push(event.request.url));
  const handedToApp = () => sent.find((url) => url.startsWith(`${cursorCallback}?`));

  /** Authorizes in the browser up to the consent page; what it says, and the authorization's verifier. */
  const openConsent = async () => {
    const { url, verifier } = authorizationRequest(
      stack.issuer,
      { clientId },
      { redirectUri: cursorCallback },
    );
    await page.goto(url.href);
    if (await page.getByLabel('Email').count()) {
      await page.getByLabel('Email').fill(email);
      await page.getByRole('button', { name: 'Continue' }).click();
    }
    await page.getByRole('button', { name: 'Approve' }).waitFor();
    return { text: await page.locator('main').innerText(), verifier };
  };

  const first = await openConsent();
  expect(first.text).toContain('You will be sent back to the app on this device that opens cursor: links.');
  expect(first.text).toMatch(/runs on your own computer, where any app can claim cursor: links/);
  // Said before Approve, which is off: the refused URI, whose rule it is, and for this admin a link
  // to the setting with the URI filled in.
  expect(await page.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);
  const alert = await page.getByRole('alert').innerText();
  expect(alert).toContain('redirect_uri is not allowed');
  expect(alert).toContain(cursorCallback);
  expect(alert).toContain("frank@example.com's workspace");
  expect(
    await page.getByRole('link', { name: 'open Workspace settings with it filled in' }).getAttribute('href'),
  ).toContain(`add_redirect_uri=${encodeURIComponent(cursorCallback)}`);
  expect(handedToApp()).toBeUndefined();

  expect((await admin.allowRedirectUris([cursorCallback])).status).toBe(200);

  const second = await openConsent();
  await page.getByRole('button', { name: 'Approve' }).click();
  // The browser hands the answer to the app: Chromium asks the OS for a cursor: handler (none here).
  await expect.poll(handedToApp).toBeDefined();
  expect(cspViolations).toEqual([]);
  const callback = new URL(handedToApp()!);
  expect(callback.searchParams.get('iss')).toBe(stack.issuer);
  const response = await tokenRequest(
    stack.issuer,
    { clientId },
    {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code')!,
      code_verifier: second.verifier,
      redirect_uri: cursorCallback,
    },
  );
  expect(response.status).toBe(200);
  await page.close();
});
