import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeAuthorization } from './support/consent.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { type McpProcess, startMcpProcess } from './support/mcp-process.js';
import { connectWithOAuth, HeadlessOAuthProvider } from './support/oauth-client.js';
import { useStack } from './support/stack.js';
import { signInToDashboard } from './support/web-session.js';

const REDIRECT = 'http://127.0.0.1:7009/callback';

/** How long until the MCP server at `url` refuses `token`; fails past one second. */
async function msUntilRefused(url: string, token: string): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < 1000) {
    if ((await callToolOverHttp(url, token, 'mcp_whoami')).status === 401) return performance.now() - start;
  }
  throw new Error('still accepted after one second');
}

// Separate processes can only share PostgreSQL; CI runs this file in its PostgreSQL pass.
describe.skipIf(!process.env.DATABASE_URL)('revocation across processes on PostgreSQL', () => {
  const env = useStack();
  let child: McpProcess;
  let childMcpUrl: string;

  beforeAll(async () => {
    child = await startMcpProcess({
      env: env.database.childEnv,
      issuer: env.stack.issuer,
      // The same resource as the in-process server: tokens are for either.
      resource: env.stack.mcpUrl,
    });
    childMcpUrl = child.url;
  });
  afterAll(() => child?.stop());

  it('an app revoked at the authorization server is refused by another process within a second', async () => {
    const provider = new HeadlessOAuthProvider(REDIRECT, (url) =>
      completeAuthorization(url.href, { email: 'far@example.com', redirectUri: REDIRECT }),
    );
    (await connectWithOAuth(env.stack.mcpUrl, provider)).close();
    const token = provider.storedTokens!.access_token;
    expect((await callToolOverHttp(childMcpUrl, token, 'mcp_whoami')).status).toBe(200);

    const session = await signInToDashboard(env.stack.issuer, 'far@example.com');
    const { grants } = (await (await session.api('GET', '/api/v1/grants')).json()) as {
      grants: Array<{ id: string }>;
    };
    expect((await session.api('DELETE', `/api/v1/grants/${grants[0]!.id}`)).status).toBe(204);
    expect(await msUntilRefused(childMcpUrl, token)).toBeLessThan(1000);
  });

  it('a revoked personal access token is refused by another process within a second', async () => {
    const session = await signInToDashboard(env.stack.issuer, 'far-pat@example.com');
    const { workspaces } = (await (await session.api('GET', '/api/v1/workspaces')).json()) as {
      workspaces: Array<{ id: string }>;
    };
    const created = (await (
      await session.api('POST', '/api/v1/tokens', {
        name: 'far',
        workspace_id: workspaces[0]!.id,
        scopes: ['enclaves:read'],
        expires_in_days: 7,
      })
    ).json()) as { id: string; token: string };
    expect((await callToolOverHttp(childMcpUrl, created.token, 'mcp_whoami')).status).toBe(200);
    expect((await session.api('DELETE', `/api/v1/tokens/${created.id}`)).status).toBe(204);
    expect(await msUntilRefused(childMcpUrl, created.token)).toBeLessThan(1000);
  });
});
