import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { signInToDashboard, useStack } from '@enclavia/standalone/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { expect, it } from 'vitest';
import { packageFile } from './support/peers.js';

const env = useStack();
const proxy = packageFile('mcp-remote', 'dist/proxy.js');
const run = promisify(execFile);

it('mcp-remote --header with a personal access token lists and calls tools; revoked, it is refused with 401', async () => {
  const session = await signInToDashboard(env.stack.issuer, 'header@example.com');
  const { workspaces } = (await (await session.api('GET', '/api/v1/workspaces')).json()) as {
    workspaces: Array<{ id: string }>;
  };
  const created = (await (
    await session.api('POST', '/api/v1/tokens', {
      name: 'desktop',
      workspace_id: workspaces[0]!.id,
      scopes: ['enclaves:read', 'enclaves:write'],
      expires_in_days: 30,
    })
  ).json()) as { id: string; token: string };

  const configDir = mkdtempSync(join(tmpdir(), 'enclavia-mcp-remote-header-'));
  // No browser: a header client never needs one.
  const childEnv = {
    PATH: process.env.PATH ?? '',
    HOME: configDir,
    MCP_REMOTE_CONFIG_DIR: configDir,
    BROWSER: '/bin/false',
  };
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [proxy, env.stack.mcpUrl, '--header', `Authorization:Bearer ${created.token}`],
    env: childEnv,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'desktop-like-host', version: '0' });
  await client.connect(transport);
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name).sort()).toEqual([
    'enclave_create',
    'enclave_list',
    'enclave_logs',
    'enclave_status',
    'enclave_stop',
    'mcp_whoami',
  ]);
  const created2 = await client.callTool({
    name: 'enclave_create',
    arguments: { image: 'ghcr.io/acme/desktop:1' },
  });
  expect(created2.isError).toBeFalsy();
  await client.close();

  expect((await session.api('DELETE', `/api/v1/tokens/${created.id}`)).status).toBe(204);
  // Refused, mcp-remote falls back to asking a person to sign in, and lists nothing.
  const client2 = packageFile('mcp-remote', 'dist/client.js');
  const outcome = await run(
    process.execPath,
    [client2, env.stack.mcpUrl, '--header', `Authorization:Bearer ${created.token}`, '--auth-timeout', '2'],
    {
      env: childEnv,
      // Refused, it waits for a person to sign in instead; there is none, so end it.
      timeout: 8_000,
    },
  ).then(
    (r) => `${r.stdout}${r.stderr}`,
    (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`,
  );
  expect(outcome).toContain('Authentication required');
  expect(outcome).not.toContain('mcp_whoami');
  const direct = await fetch(env.stack.mcpUrl, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${created.token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
  expect(direct.status).toBe(401);
});
