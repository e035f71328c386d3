import { eq, identities, users } from '@enclavia/db';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { startCallbackServer } from './support/callback-server.js';
import { FakeIdentityProviders, routeUpstreamHostsTo, UPSTREAM_HOSTS } from './support/fake-idp.js';
import { connectWithOAuth, HeadlessOAuthProvider } from './support/oauth-client.js';
import { useStack } from './support/stack.js';

const env = useStack({
  env: {
    GITHUB_CLIENT_ID: 'gh-client',
    GITHUB_CLIENT_SECRET: 'gh-secret',
    GOOGLE_CLIENT_ID: 'google-client.apps.googleusercontent.com',
    GOOGLE_CLIENT_SECRET: 'google-secret',
    // Only the upstream providers: this is what production looks like.
    AUTH_DEV_LOGIN: 'false',
  },
});
const fake = new FakeIdentityProviders();
let unroute: () => void;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let redirectUri: string;
let callbackServer: Awaited<ReturnType<typeof startCallbackServer>>;

beforeAll(async () => {
  await fake.start();
  unroute = await routeUpstreamHostsTo(fake.url);
  browser = await launchBrowser({ reroute: { hosts: UPSTREAM_HOSTS, to: fake.url } });
  callbackServer = await startCallbackServer();
  redirectUri = callbackServer.redirectUri;
});
afterAll(async () => {
  await browser?.close();
  callbackServer?.close();
  unroute?.();
  await fake.close();
});
beforeEach(async () => {
  // Every scenario is a new browser: no sign-in session carried over.
  await browser.context.clearCookies();
  fake.github.mode = 'ok';
  fake.google.mode = 'ok';
});

/** An MCP client whose authorization step is `steps`, done by a person in the browser. */
function clientDriving(steps: (page: Page) => Promise<void>) {
  return new HeadlessOAuthProvider(redirectUri, async (url) => {
    const page = await browser.context.newPage();
    try {
      await page.goto(url.href);
      await steps(page);
      await page.waitForURL((u) => u.href.startsWith(redirectUri));
      return new URL(page.url());
    } finally {
      await page.close();
    }
  });
}

async function signInWith(page: Page, label: 'GitHub' | 'Google') {
  await page.getByRole('button', { name: `Continue with ${label}` }).click();
  await page.getByRole('link', { name: 'Authorize' }).click();
  await page.getByRole('button', { name: 'Approve' }).click();
}

async function whoami(provider: HeadlessOAuthProvider) {
  const client = await connectWithOAuth(env.stack.mcpUrl, provider);
  const result = await client.callTool({ name: 'mcp_whoami', arguments: {} });
  await client.close();
  return result.structuredContent as { user: { id: string; email: string } };
}

/** Opens the login page of a fresh authorization, as an MCP client would send the user there. */
async function openLogin(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  let opened!: URL;
  const provider = new HeadlessOAuthProvider(redirectUri, async (url) => {
    opened = url;
    throw new Error('stop here');
  });
  await connectWithOAuth(env.stack.mcpUrl, provider).catch(() => undefined);
  await page.goto(opened.href);
  return page;
}

describe('signing in with GitHub and Google', () => {
  it('connects a Claude-like client through GitHub, to consent, to a tool call', async () => {
    fake.github.account = { id: '1001', email: 'Octo@Example.com', verified: true };
    const me = await whoami(clientDriving((page) => signInWith(page, 'GitHub')));
    expect(me.user.email).toBe('octo@example.com');
    // The token request was authenticated with our client credentials; GitHub's token was not kept.
    expect(fake.tokenRequests.at(-1)).toMatchObject({ provider: 'github', grant_type: 'authorization_code' });
    expect(fake.tokenRequests.at(-1)!.authorization).toBe(
      `Basic ${Buffer.from('gh-client:gh-secret').toString('base64')}`,
    );
  });

  it('makes one user of one verified email through GitHub and then Google', async () => {
    fake.github.account = { id: '2002', email: 'pat@example.com', verified: true };
    fake.google.account = { id: 'google-sub-pat', email: 'pat@example.com', verified: true };
    const viaGithub = await whoami(clientDriving((page) => signInWith(page, 'GitHub')));
    await browser.context.clearCookies();
    const viaGoogle = await whoami(clientDriving((page) => signInWith(page, 'Google')));
    expect(viaGoogle.user.id).toBe(viaGithub.user.id);
    const linked = await env.database.db
      .select()
      .from(identities)
      .where(eq(identities.userId, viaGithub.user.id));
    expect(linked.map((i) => i.provider).sort()).toEqual(['github', 'google']);
    // Google was asked with PKCE.
    expect(fake.tokenRequests.at(-1)).toMatchObject({
      provider: 'google',
      code_verifier: expect.any(String),
    });
  });

  it('never links an unverified email to an existing account', async () => {
    fake.github.account = { id: '3003', email: 'sam@example.com', verified: true };
    await whoami(clientDriving((page) => signInWith(page, 'GitHub')));
    await browser.context.clearCookies();
    fake.google.account = { id: 'google-sub-mallory', email: 'sam@example.com', verified: false };

    const page = await openLogin(browser.context);
    await page.getByRole('button', { name: 'Continue with Google' }).click();
    await page.getByRole('link', { name: 'Authorize' }).click();
    await expect.poll(() => page.locator('main').innerText()).toContain('email address is not verified');
    const [sam] = await env.database.db.select().from(users).where(eq(users.email, 'sam@example.com'));
    const linked = await env.database.db.select().from(identities).where(eq(identities.userId, sam!.id));
    expect(linked.map((i) => i.provider)).toEqual(['github']);
    await page.close();
  });

  it('shows a cancelled sign-in as a page with a way back to the sign-in', async () => {
    const page = await openLogin(browser.context);
    await page.getByRole('button', { name: 'Continue with GitHub' }).click();
    await page.getByRole('link', { name: 'Cancel' }).click();
    await expect
      .poll(() => page.locator('main').innerText())
      .toContain('You cancelled signing in with GitHub');
    await page.getByRole('link', { name: 'Back to sign-in' }).click();
    await page.getByRole('button', { name: 'Continue with GitHub' }).waitFor();
    await page.close();
  });

  it('refuses a callback whose state was tampered with', async () => {
    const page = await openLogin(browser.context);
    await page.getByRole('button', { name: 'Continue with GitHub' }).click();
    const decide = new URL(
      (await page.getByRole('link', { name: 'Authorize' }).getAttribute('href'))!,
      page.url(),
    );
    decide.searchParams.set('state', `${decide.searchParams.get('state')}x`);
    await page.goto(decide.href);
    await expect.poll(() => page.locator('main').innerText()).toContain('could not be verified');
    expect(await page.getByRole('link', { name: 'Back to sign-in' }).count()).toBe(1);
    await page.close();
  });

  it('refuses a replayed callback', async () => {
    const page = await openLogin(browser.context);
    const callbacks: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/login/github/callback')) callbacks.push(r.url());
    });
    await page.getByRole('button', { name: 'Continue with GitHub' }).click();
    await page.getByRole('link', { name: 'Authorize' }).click();
    await page.getByRole('button', { name: 'Approve' }).waitFor();
    await page.goto(callbacks[0]!);
    await expect.poll(() => page.locator('main').innerText()).toContain('already used');
    await page.close();
  });

  it.each([
    ['down', 'GitHub answered with an error (HTTP 503)'],
    ['garbage', 'GitHub answered something unexpected'],
  ] as const)('explains a provider that is %s, with a way back', async (mode, message) => {
    fake.github.mode = mode;
    const page = await openLogin(browser.context);
    await page.getByRole('button', { name: 'Continue with GitHub' }).click();
    await page.getByRole('link', { name: 'Authorize' }).click();
    await expect.poll(() => page.locator('main').innerText()).toContain(message);
    expect(await page.getByRole('link', { name: 'Back to sign-in' }).count()).toBe(1);
    await page.close();
  });

  it('refuses a callback whose cookie was forged or is missing', async () => {
    const callback = `${env.stack.issuer}/login/github/callback?code=abc&state=xyz`;
    const forged = await fetch(callback, {
      headers: {
        cookie: `enclavia_upstream=${encodeURIComponent(JSON.stringify({ provider: 'github', state: 'xyz', verifier: 'v', uid: 'u' }))}.bogus`,
      },
    });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('could not be verified');
    const missing = await fetch(callback);
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('already used');
    // Neither reached GitHub.
    expect(fake.tokenRequests.filter((r) => r.code === 'abc')).toEqual([]);
  });

  it('offers no development login when it is turned off', async () => {
    const page = await openLogin(browser.context);
    expect(await page.getByLabel('Email').count()).toBe(0);
    await page.close();
  });
});
