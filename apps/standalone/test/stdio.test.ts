import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '@enclavia/db/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeAuthorization } from './support/consent.js';
import { connectWithOAuth, HeadlessOAuthProvider } from './support/oauth-client.js';
import { type Stack, startStack } from './support/stack.js';
import { signInToDashboard } from './support/web-session.js';

const bin = join(
  dirname(createRequire(import.meta.url).resolve('@enclavia/mcp/package.json')),
  'bin',
  'enclavia-mcp-server.mjs',
);
const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'enclavia-stdio-'));
const REDIRECT = 'http://127.0.0.1:7005/callback';
let database: TestDatabase;
let stack: Stack;
let token: string;
let personalAccessToken: string;
let childEnv: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase({ dataDir });
  stack = await startStack(database);
  const provider = new HeadlessOAuthProvider(REDIRECT, (url) =>
    completeAuthorization(url.href, { email: 'stdio@example.com', redirectUri: REDIRECT }),
  );
  const client = await connectWithOAuth(stack.mcpUrl, provider);
  await client.callTool({
    name: 'enclave_create',
    arguments: { image: 'ghcr.io/acme/over-http:1', name: 'over-http' },
  });
  await client.close();
  token = provider.storedTokens!.access_token;
  const session = await signInToDashboard(stack.issuer, 'stdio@example.com');
  const { workspaces } = (await (await session.api('GET', '/api/v1/workspaces')).json()) as {
    workspaces: Array<{ id: string }>;
  };
  const pat = await session.api('POST', '/api/v1/tokens', {
    name: 'stdio',
    workspace_id: workspaces[0]!.id,
    scopes: ['enclaves:read'],
    expires_in_days: 7,
  });
  personalAccessToken = ((await pat.json()) as { token: string }).token;
  const urls = { AUTH_PUBLIC_URL: stack.issuer, MCP_PUBLIC_URL: stack.mcpUrl };
  await stack.close();
  // The embedded database is the child's now.
  await database.release();
  childEnv = {
    PATH: process.env.PATH ?? '',
    ...database.childEnv,
    ...urls,
    ENCLAVE_PULL_MS: '10',
    ENCLAVE_BUILD_MS: '30',
    ENCLAVE_POLL_MS: '10',
  };
});
afterAll(async () => {
  await database?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('enclavia-mcp-server --transport stdio', () => {
  it('serves the same tools for the token in ENCLAVIA_TOKEN, driven by an SDK client', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin, '--transport', 'stdio'],
      env: { ...childEnv, ENCLAVIA_TOKEN: token },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-host', version: '0' });
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(7);

    const me = await client.callTool({ name: 'mcp_whoami', arguments: {} });
    expect((me.structuredContent as { user: { email: string } }).user.email).toBe('stdio@example.com');
    const listed = await client.callTool({ name: 'enclave_list', arguments: {} });
    expect(
      (listed.structuredContent as { enclaves: Array<{ name: string }> }).enclaves.map((e) => e.name),
    ).toContain('over-http');

    const created = await client.callTool({
      name: 'enclave_create',
      arguments: { image: 'ghcr.io/acme/over-stdio:1' },
    });
    const { id } = (created.structuredContent as { enclave: { id: string } }).enclave;
    await expect
      .poll(async () => {
        const status = await client.callTool({ name: 'enclave_status', arguments: { id } });
        return (status.structuredContent as { enclave: { state: string } }).enclave.state;
      })
      .toBe('running');
    const bad = await client.callTool({ name: 'enclave_create', arguments: { image: 'nginx' } });
    expect(bad.isError).toBe(true);
    await client.close();
  });

  it('answers enclave_create past its rate limit with a tool error saying when to retry, then recovers', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin, '--transport', 'stdio'],
      env: { ...childEnv, ENCLAVIA_TOKEN: token, ENCLAVE_CREATE_LIMIT: '1', ENCLAVE_CREATE_WINDOW: '3' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-host', version: '0' });
    await client.connect(transport);
    const create = () =>
      client.callTool({ name: 'enclave_create', arguments: { image: 'ghcr.io/acme/limited:1' } });
    expect((await create()).isError).toBeFalsy();

    const refused = await create();
    expect(refused.isError).toBe(true);
    const text = (refused.content as Array<{ text: string }>)[0]!.text;
    expect(text).toMatch(/^Too many enclave_create calls: at most 1 per 3 s .* Retry in \d s\.$/);
    expect((await client.callTool({ name: 'enclave_list', arguments: {} })).isError).toBeFalsy();

    const retryAfter = Number(text.match(/Retry in (\d+) s/)![1]);
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
    expect((await create()).isError).toBeFalsy();
    await client.close();
  });

  it('accepts a personal access token, with its scopes', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin, '--transport', 'stdio'],
      env: { ...childEnv, ENCLAVIA_TOKEN: personalAccessToken },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-host', version: '0' });
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'enclave_list',
      'enclave_logs',
      'enclave_status',
      'mcp_whoami',
    ]);
    const me = await client.callTool({ name: 'mcp_whoami', arguments: {} });
    expect((me.structuredContent as { user: { email: string } }).user.email).toBe('stdio@example.com');
    await client.close();
  });

  it.each([
    ['no token', {}, 2, /^enclavia-mcp-server: ENCLAVIA_TOKEN is not set/],
    [
      'an invalid token',
      { ENCLAVIA_TOKEN: 'not-a-token' },
      1,
      /^enclavia-mcp-server: ENCLAVIA_TOKEN is not accepted: the access token is malformed/,
    ],
  ])(
    'exits non-zero with one clear line on stderr, and nothing on stdout, for %s',
    async (_name, extra, code, message) => {
      const failure = await run(process.execPath, [bin, '--transport', 'stdio'], {
        env: { ...childEnv, ...extra },
      }).then(
        () => {
          throw new Error('expected a failure');
        },
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(failure.code).toBe(code);
      expect(failure.stdout).toBe('');
      expect(failure.stderr.trim().split('\n')).toHaveLength(1);
      expect(failure.stderr).toMatch(message);
    },
  );
});
