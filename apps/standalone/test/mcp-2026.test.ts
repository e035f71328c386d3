import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { authorizationCodeFlow, type TokenResponse } from './support/flow.js';
import { registerClient } from './support/register.js';
import { useStack } from './support/stack.js';
import { signInToDashboard } from './support/web-session.js';

// A real connection (oidc-provider's tokens, the dashboard's controls) in MCP 2026-07-28: the
// stateless era must be refused and allowed exactly when the initialize era is.
const env = useStack();
const REDIRECT = 'http://127.0.0.1:7031/callback';
const REVISION = '2026-07-28';
const DISABLED = 'MCP integration is disabled for this workspace';

/** One 2026-07-28 request with its `_meta` and standard headers. */
function modern(token: string, method: string, params: Record<string, unknown> = {}) {
  return fetch(env.stack.mcpUrl, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': REVISION,
      'mcp-method': method,
      ...(typeof params.name === 'string' ? { 'mcp-name': params.name } : {}),
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method,
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': REVISION,
          'io.modelcontextprotocol/clientInfo': { name: 'e2e', version: '1' },
          'io.modelcontextprotocol/clientCapabilities': {},
        },
      },
    }),
  });
}

async function connect(email: string, untick: string[] = []) {
  const { client_id: clientId } = await registerClient(env.stack.issuer, REDIRECT);
  const response = await authorizationCodeFlow(
    env.stack.issuer,
    { clientId },
    { email, redirectUri: REDIRECT, untick },
  );
  expect(response.status).toBe(200);
  return { clientId, tokens: (await response.json()) as TokenResponse };
}

/** Asks `tools/list` in 2026-07-28 until it answers `status`; fails a second after the change. */
async function untilStatus(token: string, status: number): Promise<Response> {
  const start = performance.now();
  for (;;) {
    const response = await modern(token, 'tools/list');
    if (response.status === status) return response;
    if (performance.now() - start > 1000)
      throw new Error(`still ${response.status}, not ${status}, after a second`);
  }
}

describe('MCP 2026-07-28 with the product’s own tokens and controls', () => {
  it('serves discover, tools/list and tools/call to an approved connection', async () => {
    const { tokens } = await connect('modern@example.com');
    const discovered = (await (await modern(tokens.access_token, 'server/discover')).json()) as {
      result: { supportedVersions: string[] };
    };
    expect(discovered.result.supportedVersions).toContain(REVISION);
    const listed = (await (await modern(tokens.access_token, 'tools/list')).json()) as {
      result: { tools: Array<{ name: string }>; cacheScope: string };
    };
    expect(listed.result.tools.map((t) => t.name)).toContain('enclave_create');
    expect(listed.result.cacheScope).toBe('private');
    const whoami = await modern(tokens.access_token, 'tools/call', { name: 'mcp_whoami', arguments: {} });
    expect(whoami.status).toBe(200);
    expect(
      ((await whoami.json()) as { result: { structuredContent: { user: { email: string } } } }).result,
    ).toMatchObject({ resultType: 'complete', structuredContent: { user: { email: 'modern@example.com' } } });
  });

  it('asks for the scope a tool needs with 403 when the user withheld it at consent', async () => {
    const { tokens } = await connect('modern-read@example.com', ['enclaves:write', 'enclaves:destroy']);
    const listed = (await (await modern(tokens.access_token, 'tools/list')).json()) as {
      result: { tools: Array<{ name: string }> };
    };
    expect(listed.result.tools.map((t) => t.name)).not.toContain('enclave_create');
    const refused = await modern(tokens.access_token, 'tools/call', {
      name: 'enclave_create',
      arguments: { image: 'ghcr.io/acme/api:1' },
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('error="insufficient_scope", ');
    expect(refused.headers.get('www-authenticate')).toContain('scope="enclaves:write"');
  });

  it('refuses within a second once MCP is off for the workspace, and serves again once it is on', async () => {
    const { tokens } = await connect('modern-off@example.com');
    const session = await signInToDashboard(env.stack.issuer, 'modern-off@example.com');
    const { workspaces } = (await (await session.api('GET', '/api/v1/workspaces')).json()) as {
      workspaces: Array<{ id: string }>;
    };
    const policy = (mcp_enabled: boolean) =>
      session.api('PATCH', `/api/v1/workspaces/${workspaces[0]!.id}/policy`, { mcp_enabled });
    await untilStatus(tokens.access_token, 200);
    expect((await policy(false)).status).toBe(200);
    const refused = await untilStatus(tokens.access_token, 401);
    expect(await refused.json()).toEqual({ error: 'invalid_token', error_description: DISABLED });
    expect((await policy(true)).status).toBe(200);
    await untilStatus(tokens.access_token, 200);
  });

  it('refuses within a second once the user revokes the connection', async () => {
    const { clientId, tokens } = await connect('modern-revoke@example.com');
    await untilStatus(tokens.access_token, 200);
    const session = await signInToDashboard(env.stack.issuer, 'modern-revoke@example.com');
    const { grants } = (await (await session.api('GET', '/api/v1/grants')).json()) as {
      grants: Array<{ id: string; clientId: string }>;
    };
    const grant = grants.find((g) => g.clientId === clientId)!;
    expect((await session.api('DELETE', `/api/v1/grants/${grant.id}`)).status).toBe(204);
    const refused = await untilStatus(tokens.access_token, 401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});
