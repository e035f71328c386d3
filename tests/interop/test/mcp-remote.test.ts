import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, useStack } from '@enclavia/standalone/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { expect, it } from 'vitest';
import { browserEnv, packageFile } from './support/peers.js';

const env = useStack();
const configDir = mkdtempSync(join(tmpdir(), 'enclavia-mcp-remote-'));
const proxy = packageFile('mcp-remote', 'dist/proxy.js');

/** Runs mcp-remote in proxy mode the way Claude Desktop does: a host speaking MCP over its stdio. */
async function connectThroughMcpRemote(callbackPort: number, browser: ReturnType<typeof browserEnv>) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [proxy, env.stack.mcpUrl, String(callbackPort), '--host', '127.0.0.1'],
    env: { ...browser.env, MCP_REMOTE_CONFIG_DIR: configDir },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const client = new Client({ name: 'claude-desktop-like-host', version: '0' });
  try {
    await client.connect(transport);
  } catch (error) {
    throw new Error(
      `mcp-remote failed: ${error}\n${stderr}\nbrowser log:\n${existsSync(browser.log) ? readFileSync(browser.log, 'utf8') : ''}`,
    );
  }
  return client;
}

it('mcp-remote completes OAuth through its browser step, lists tools and calls one', async () => {
  const port = await freePort();
  const browser = browserEnv('remote@example.com');
  const client = await connectThroughMcpRemote(port, browser);
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name)).toContain('enclave_list');
  const result = await client.callTool({ name: 'mcp_whoami', arguments: {} });
  expect(JSON.stringify(result.structuredContent)).toContain('remote@example.com');
  await client.close();
  expect(readFileSync(browser.log, 'utf8')).toContain('/authorize?');

  // Second run: the stored access token is no longer accepted, so mcp-remote must refresh with its
  // stored refresh token, and must not open a browser.
  const store = join(configDir, readdirSync(configDir).find((d) => d.startsWith('mcp-remote'))!);
  const tokensFile = join(store, readdirSync(store).find((f) => f.endsWith('_tokens.json'))!);
  const tokens = JSON.parse(readFileSync(tokensFile, 'utf8'));
  writeFileSync(tokensFile, JSON.stringify({ ...tokens, access_token: 'revoked-or-expired' }));

  const quiet = browserEnv('remote@example.com');
  const again = await connectThroughMcpRemote(port, quiet);
  const second = await again.callTool({ name: 'mcp_whoami', arguments: {} });
  expect(JSON.stringify(second.structuredContent)).toContain('remote@example.com');
  await again.close();
  expect(existsSync(quiet.log)).toBe(false);
  expect(JSON.parse(readFileSync(tokensFile, 'utf8')).refresh_token).not.toBe(tokens.refresh_token);
});
