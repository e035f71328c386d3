import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { auditEvents, desc, eq, oidcModels } from '@enclavia/db';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, describe, expect, it } from 'vitest';
import { authorizationCodeFlow, type FlowClient, type TokenResponse, tokenRequest } from './support/flow.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { HeadlessOAuthProvider } from './support/oauth-client.js';
import { registerClient } from './support/register.js';
import { freePort, useStack } from './support/stack.js';

// Several copies of one client (Claude Code sessions sharing stored credentials) refresh one token
// at once; a short window here, so the test can wait it out.
const GRACE_SECONDS = 2;
const env = useStack({ env: { REFRESH_REUSE_GRACE_SECONDS: String(GRACE_SECONDS) } });
const REDIRECT = 'http://127.0.0.1:7014/callback';

async function connect(email: string) {
  const { client_id: clientId } = await registerClient(env.stack.issuer, REDIRECT);
  const client: FlowClient = { clientId };
  const response = await authorizationCodeFlow(env.stack.issuer, client, { email, redirectUri: REDIRECT });
  expect(response.status).toBe(200);
  return { client, tokens: (await response.json()) as TokenResponse };
}

function refresh(client: FlowClient, refreshToken: string, issuer = env.stack.issuer) {
  return tokenRequest(issuer, client, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

async function refreshed(response: Response): Promise<TokenResponse> {
  expect(response.status).toBe(200);
  return (await response.json()) as TokenResponse;
}

const works = async (token: string) => (await callToolOverHttp(env.stack.mcpUrl, token, 'mcp_whoami')).status;
const pastTheWindow = () => new Promise((resolve) => setTimeout(resolve, GRACE_SECONDS * 1000 + 200));

describe('a refresh token used again within REFRESH_REUSE_GRACE_SECONDS', () => {
  it('gives two refreshes of one token at once each its own tokens, which work and keep rotating', async () => {
    const { client, tokens } = await connect('twins@example.com');
    const [a, b] = await Promise.all([
      refreshed(await refresh(client, tokens.refresh_token!)),
      refreshed(await refresh(client, tokens.refresh_token!)),
    ]);
    expect(a.refresh_token).not.toBe(b.refresh_token);
    expect([await works(a.access_token), await works(b.access_token)]).toEqual([200, 200]);
    // Each branch rotates on as usual.
    const a2 = await refreshed(await refresh(client, a.refresh_token!));
    const b2 = await refreshed(await refresh(client, b.refresh_token!));
    expect([await works(a2.access_token), await works(b2.access_token)]).toEqual([200, 200]);

    // At rest, only hashes.
    const rows = JSON.stringify(await env.database.db.select().from(oidcModels));
    for (const value of [tokens.refresh_token!, a.refresh_token!, b.refresh_token!, a2.refresh_token!]) {
      expect(rows).not.toContain(value);
    }
  });

  it('accepts a reuse inside the window, and after it treats one as theft: the grant and every branch end', async () => {
    const { client, tokens } = await connect('late@example.com');
    const first = await refreshed(await refresh(client, tokens.refresh_token!));
    const second = await refreshed(await refresh(client, tokens.refresh_token!));
    expect(await works(second.access_token)).toBe(200);

    await pastTheWindow();
    const theft = await refresh(client, tokens.refresh_token!);
    expect(theft.status).toBe(400);
    expect(await theft.json()).toMatchObject({ error: 'invalid_grant' });
    for (const branch of [first, second]) {
      expect((await refresh(client, branch.refresh_token!)).status).toBe(400);
      await expect.poll(() => works(branch.access_token), { timeout: 1000, interval: 20 }).toBe(401);
    }
    const [entry] = await env.database.db
      .select({ action: auditEvents.action, clientId: auditEvents.clientId, after: auditEvents.after })
      .from(auditEvents)
      .where(eq(auditEvents.action, 'grant.revoked'))
      .orderBy(desc(auditEvents.id))
      .limit(1);
    expect(entry).toEqual({
      action: 'grant.revoked',
      clientId: client.clientId,
      after: { source: 'refresh_token_reuse' },
    });
  });

  it('lets two MCP SDK clients sharing stored credentials both refresh, with no new sign-in', async () => {
    const { client, tokens } = await connect('sessions@example.com');
    // Two sessions hold the same credentials, with an access token the server no longer takes.
    const sessions = [0, 1].map(() => {
      const provider = new HeadlessOAuthProvider(REDIRECT, async () => {
        throw new Error('a browser sign-in was needed: the refresh failed');
      });
      provider.client = { client_id: client.clientId };
      provider.storedTokens = { ...tokens, access_token: 'expired' };
      return provider;
    });
    const clients = await Promise.all(
      sessions.map(async (provider) => {
        const mcp = new Client({ name: 'claude-code-session', version: '0' });
        await mcp.connect(
          new StreamableHTTPClientTransport(new URL(env.stack.mcpUrl), { authProvider: provider }),
        );
        return mcp;
      }),
    );
    for (const mcp of clients) {
      const me = await mcp.callTool({ name: 'mcp_whoami', arguments: {} });
      expect((me.structuredContent as { user: { email: string } }).user.email).toBe('sessions@example.com');
      await mcp.close();
    }
    expect(sessions[0]!.storedTokens!.refresh_token).not.toBe(sessions[1]!.storedTokens!.refresh_token);
  });
});

// Separate processes can only share PostgreSQL; CI runs this in its PostgreSQL pass.
describe.skipIf(!process.env.DATABASE_URL)('across two authorization server processes on PostgreSQL', () => {
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child!.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });

  /** `tsx apps/auth/src/main.ts`: the authorization server on its own, for the same issuer. */
  async function secondAuthServer(): Promise<string> {
    const port = await freePort();
    const main = fileURLToPath(new URL('../../auth/src/main.ts', import.meta.url));
    child = spawn(process.execPath, ['--import', 'tsx', main], {
      env: {
        PATH: process.env.PATH ?? '',
        ...env.database.childEnv,
        AUTH_PUBLIC_URL: env.stack.issuer,
        MCP_PUBLIC_URL: env.stack.mcpUrl,
        AUTH_PORT: String(port),
        REFRESH_REUSE_GRACE_SECONDS: String(GRACE_SECONDS),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += String(chunk);
    });
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (chunk: Buffer) => {
        if (String(chunk).includes('Server listening at')) resolve();
      });
      child!.on('exit', (code) => reject(new Error(`the auth server exited with ${code}: ${stderr}`)));
    });
    return `http://127.0.0.1:${port}`;
  }

  it('gives both of two refreshes of one token at once their tokens, and a late reuse at either ends the grant', async () => {
    const other = await secondAuthServer();
    const { client, tokens } = await connect('replicas@example.com');
    const [here, there] = await Promise.all([
      refreshed(await refresh(client, tokens.refresh_token!)),
      refreshed(await refresh(client, tokens.refresh_token!, other)),
    ]);
    expect([await works(here.access_token), await works(there.access_token)]).toEqual([200, 200]);

    await pastTheWindow();
    expect((await refresh(client, tokens.refresh_token!, other)).status).toBe(400);
    for (const branch of [here, there]) {
      await expect.poll(() => works(branch.access_token), { timeout: 1000, interval: 20 }).toBe(401);
    }
  });
});
