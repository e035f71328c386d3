import { createHash, randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { startCallbackServer } from './support/callback-server.js';
import { connectWithOAuth, HeadlessOAuthProvider } from './support/oauth-client.js';
import { registerClient } from './support/register.js';
import { useStack } from './support/stack.js';

const env = useStack();
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let callback: Awaited<ReturnType<typeof startCallbackServer>>;
let admin: Page;
let aliceWorkspace: string;

const DEFAULT_REDIRECTS = [
  'https://claude.ai/api/mcp/auth_callback',
  'https://claude.com/api/mcp/auth_callback',
  'http://localhost/callback',
  'http://localhost/oauth/callback',
];

beforeAll(async () => {
  browser = await launchBrowser();
  callback = await startCallbackServer();
  admin = await signInToAdmin(browser.context, 'alice@example.com');
  await admin.getByRole('link', { name: 'Workspace settings' }).first().click();
  aliceWorkspace = new URL(admin.url()).pathname.split('/')[3]!;
});
afterAll(async () => {
  await browser?.close();
  callback?.close();
});

async function signInToAdmin(context: BrowserContext, email: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${env.stack.issuer}/admin`);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`${env.stack.issuer}/admin`);
  return page;
}

/** Edits the policy form on the settings page as an admin would, and saves. */
async function setPolicy(
  page: Page,
  change: { enabled?: boolean; redirects?: string[]; clients?: string[]; ceiling?: string[] },
) {
  await page.goto(`${env.stack.issuer}/admin/workspaces/${aliceWorkspace}`);
  if (change.enabled !== undefined)
    await page.getByLabel('MCP integration enabled').setChecked(change.enabled);
  if (change.redirects) await page.getByLabel('Allowed redirect URIs').fill(change.redirects.join('\n'));
  if (change.clients) await page.getByLabel('Allowed OAuth client IDs').fill(change.clients.join('\n'));
  if (change.ceiling) {
    for (const scope of ['enclaves:read', 'enclaves:write', 'enclaves:destroy']) {
      await page.getByRole('checkbox', { name: scope }).setChecked(change.ceiling.includes(scope));
    }
  }
  await page.getByRole('button', { name: 'Save policy' }).click();
  await expect.poll(() => page.locator('main').innerText()).toContain('Policy saved.');
}

/** A client sends the admin's browser to authorize; the admin approves. Returns what the page says. */
async function approveAs(page: Page, clientId: string, scope?: string): Promise<string> {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: callback.redirectUri,
    state: 's',
    code_challenge: createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url'),
    code_challenge_method: 'S256',
    ...(scope ? { scope } : {}),
  });
  await page.goto(`${env.stack.issuer}/authorize?${params}`);
  if (await page.getByLabel('Email').count()) {
    await page.getByLabel('Email').fill('alice@example.com');
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  // A policy that will refuse is said before Approve, which is then off.
  if (await page.getByRole('button', { name: 'Approve' }).isDisabled())
    return page.locator('main').innerText();
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForLoadState();
  return page.url().startsWith(callback.redirectUri)
    ? `redirected: ${page.url()}`
    : page.locator('main').innerText();
}

/** An MCP client connected through the browser, approving for `workspace` when there is a choice. */
async function connect(context: BrowserContext, email: string, workspace?: string) {
  const provider = new HeadlessOAuthProvider(callback.redirectUri, async (url) => {
    const page = await context.newPage();
    await page.goto(url.href);
    if (await page.getByLabel('Email').count()) {
      await page.getByLabel('Email').fill(email);
      await page.getByRole('button', { name: 'Continue' }).click();
    }
    if (workspace) await page.getByLabel('Workspace').selectOption({ label: workspace });
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((u) => u.href.startsWith(callback.redirectUri));
    const done = new URL(page.url());
    await page.close();
    return done;
  });
  return { client: await connectWithOAuth(env.stack.mcpUrl, provider), provider };
}

describe('workspace policy, set by an admin in the browser', () => {
  it('meets a client with each of the contract errors, on a page, never by redirect', async () => {
    const { client_id } = await registerClient(env.stack.issuer, callback.redirectUri, {
      client_name: 'Policy probe',
    });
    const page = await browser.context.newPage();

    await setPolicy(admin, { enabled: false });
    expect(await approveAs(page, client_id)).toContain('MCP integration is disabled for this workspace');
    await setPolicy(admin, { enabled: true });

    await setPolicy(admin, { redirects: ['https://claude.ai/api/mcp/auth_callback'] });
    expect(await approveAs(page, client_id)).toContain('redirect_uri is not allowed');
    await setPolicy(admin, { redirects: DEFAULT_REDIRECTS });

    await setPolicy(admin, { clients: ['https://claude.ai/oauth/mcp-oauth-client-metadata'] });
    expect(await approveAs(page, client_id)).toContain('OAuth client_id is not allowed');
    await setPolicy(admin, { clients: [] });

    await setPolicy(admin, { ceiling: ['enclaves:read'] });
    expect(await approveAs(page, client_id, 'enclaves:write enclaves:destroy')).toContain(
      'Requested scopes are not allowed',
    );

    // And with the policy back to what allows it, the same client gets through.
    await setPolicy(admin, { ceiling: ['enclaves:read', 'enclaves:write', 'enclaves:destroy'] });
    expect(await approveAs(page, client_id)).toMatch(/^redirected: .*code=/);
    await page.close();
  });

  it('caps a new connection at the ceiling: only the allowed scopes, only their tools', async () => {
    await setPolicy(admin, { ceiling: ['enclaves:write'] });
    const { client } = await connect(browser.context, 'alice@example.com');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['enclave_create', 'enclave_stop', 'mcp_whoami']);
    const me = (await client.callTool({ name: 'mcp_whoami', arguments: {} })).structuredContent as {
      scopes: string[];
    };
    expect(me.scopes).toEqual(['enclaves:write']);
    await client.close();
    await setPolicy(admin, { ceiling: ['enclaves:read', 'enclaves:write', 'enclaves:destroy'] });
  });

  it('says next to Save what a change does to existing connections, then what it revoked', async () => {
    const { client } = await connect(browser.context, 'alice@example.com');
    await client.callTool({ name: 'mcp_whoami', arguments: {} });
    await admin.goto(`${env.stack.issuer}/admin/workspaces/${aliceWorkspace}`);
    const effects = await admin.locator('#policy-effects').innerText();
    expect(effects).toMatch(/Saving applies at once to what is already connected \(\d+ apps? now/);
    expect(effects).toContain('with MCP integration off they stop working until you turn it on again');

    await setPolicy(admin, { clients: ['https://claude.ai/oauth/mcp-oauth-client-metadata'] });
    expect(await admin.locator('main').innerText()).toMatch(
      /\d+ connected apps? (was|were) revoked: their client ID or redirect URI is no longer allowed/,
    );
    await expect(client.callTool({ name: 'mcp_whoami', arguments: {} })).rejects.toThrow();
    await client.close().catch(() => undefined);
    await setPolicy(admin, { clients: [] });

    // Token lifetimes are a choice of the server's or shorter, kept as chosen.
    await admin.getByLabel('Access token lifetime').selectOption({ label: '5 minutes' });
    await admin.getByRole('button', { name: 'Save policy' }).click();
    await expect.poll(() => admin.locator('main').innerText()).toContain('Policy saved.');
    expect(await admin.getByLabel('Access token lifetime').inputValue()).toBe('300');
    await admin.getByLabel('Access token lifetime').selectOption({ label: 'Server default (15 minutes)' });
    await admin.getByRole('button', { name: 'Save policy' }).click();
    await expect.poll(() => admin.getByLabel('Access token lifetime').inputValue()).toBe('');
  });

  it('keeps members out of the admin pages, and a removed member’s client out at its next call', async () => {
    await admin.goto(`${env.stack.issuer}/admin/workspaces/${aliceWorkspace}`);
    await admin.getByLabel('Email address').fill('bob@example.com');
    await admin.getByRole('button', { name: 'Invite' }).click();
    await expect.poll(() => admin.locator('main').innerText()).toContain('Invitation sent');

    const bobs = await launchBrowser();
    try {
      const bob = await signInToAdmin(bobs.context, 'bob@example.com');
      for (const path of ['', '/audit']) {
        const response = await bob.goto(`${env.stack.issuer}/admin/workspaces/${aliceWorkspace}${path}`);
        expect(response!.status()).toBe(404);
        expect(await bob.locator('main').innerText()).toContain('There is nothing here');
      }

      const { client, provider } = await connect(
        bobs.context,
        'bob@example.com',
        "alice@example.com's workspace",
      );
      const me = (await client.callTool({ name: 'mcp_whoami', arguments: {} })).structuredContent as {
        workspace: { id: string };
      };
      expect(me.workspace.id).toBe(aliceWorkspace);

      await admin.goto(`${env.stack.issuer}/admin/workspaces/${aliceWorkspace}`);
      await admin.getByRole('button', { name: 'Remove bob@example.com' }).click();
      await admin.getByRole('button', { name: 'Yes, remove bob@example.com' }).click();
      await expect.poll(() => admin.locator('main').innerText()).toContain('Member removed');

      const next = await fetch(env.stack.mcpUrl, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${provider.storedTokens!.access_token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'mcp_whoami', arguments: {} },
        }),
      });
      expect(next.status).toBe(401);
      expect(next.headers.get('www-authenticate')).toContain('revoked');
      await client.close().catch(() => undefined);

      await admin.getByRole('link', { name: 'Audit log' }).click();
      const log = await admin.locator('main').innerText();
      expect(log).toContain('member.removed');
      expect(log).toContain('member.invited');
      expect(log).toContain('policy.updated');
    } finally {
      await bobs.close();
    }
  });
});
