import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, useStack } from '../../../apps/standalone/test/support/stack.js';
import { type ApiSession, signInToDashboard } from '../../../apps/standalone/test/support/web-session.js';
import { type Installed, packAndInstall, rootVersion } from './support/installed.js';

const execFileAsync = promisify(execFile);
let installed: Installed;
/** A home of its own for the CLI: nothing of the machine's login or settings leaks in. */
const configHome = mkdtempSync(join(tmpdir(), 'enclavia-cli-config-'));

const env = useStack({
  env: { ENCLAVE_PULL_MS: '300', ENCLAVE_BUILD_MS: '600', ENCLAVE_STOP_MS: '50', ENCLAVE_POLL_MS: '20' },
});
let owner: ApiSession;
let workspaceId: string;

beforeAll(async () => {
  installed = await packAndInstall();
  owner = await signInToDashboard(env.stack.issuer, 'cli-owner@example.com');
  const { workspaces } = (await (await owner.api('GET', '/api/v1/workspaces')).json()) as {
    workspaces: Array<{ id: string }>;
  };
  workspaceId = workspaces[0]!.id;
});
afterAll(() => installed?.close());

/** Runs an installed bin to its end; its exit code and output. */
async function cli(name: 'enclavia' | 'enclavia-mcp', args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await execFileAsync(installed.bin(name), args, {
      env: { PATH: process.env.PATH, HOME: configHome, XDG_CONFIG_HOME: configHome, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the packed tarball', () => {
  it('carries built JavaScript and npm dependencies only', () => {
    const manifest = JSON.stringify(installed.packedManifest);
    expect(manifest).not.toMatch(/workspace:|catalog:/);
    expect(installed.packedManifest).toMatchObject({
      name: 'enclavia',
      bin: { enclavia: './dist/bin/enclavia.js', 'enclavia-mcp': './dist/bin/enclavia-mcp.js' },
    });
  });

  it('installs both bins, whose --version is the product version', async () => {
    for (const name of ['enclavia', 'enclavia-mcp'] as const) {
      const { code, stdout } = await cli(name, ['--version']);
      expect({ name, code, stdout }).toEqual({ name, code: 0, stdout: `${rootVersion()}\n` });
    }
  });

  it('explains both bins with --help', async () => {
    const enclavia = await cli('enclavia', ['--help']);
    expect(enclavia.code).toBe(0);
    expect(enclavia.stdout).toMatch(/^Usage: enclavia <command>/);
    expect(enclavia.stdout).toContain('--url');
    const mcp = await cli('enclavia-mcp', ['--help']);
    expect(mcp.code).toBe(0);
    expect(mcp.stdout).toContain('--transport stdio');
  });

  it('names an unknown command in one line', async () => {
    const { code, stdout, stderr } = await cli('enclavia', ['frobnicate']);
    expect({ code, stdout, stderr }).toEqual({
      code: 2,
      stdout: '',
      stderr: 'enclavia: unknown command "frobnicate"; see enclavia --help\n',
    });
  });
});

/** A personal access token made in the dashboard, as a user would for Claude Desktop. */
async function createPersonalAccessToken(): Promise<{ id: string; token: string }> {
  const response = await owner.api('POST', '/api/v1/tokens', {
    name: 'claude desktop',
    workspace_id: workspaceId,
    scopes: ['enclaves:read'],
    expires_in_days: 30,
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; token: string };
}

/** The installed `enclavia-mcp --transport stdio`, spawned by an MCP host as Claude Desktop does. */
async function connectOverStdio(token: string) {
  const transport = new StdioClientTransport({
    command: installed.bin('enclavia-mcp'),
    args: ['--transport', 'stdio'],
    env: {
      PATH: process.env.PATH!,
      HOME: configHome,
      XDG_CONFIG_HOME: configHome,
      ENCLAVIA_URL: env.stack.mcpUrl,
      ENCLAVIA_TOKEN: token,
    },
    stderr: 'pipe',
  });
  const stderr: string[] = [];
  transport.stderr?.on('data', (chunk) => stderr.push(String(chunk)));
  const client = new Client({ name: 'claude-desktop-like-host', version: '0' });
  client.onerror = (error) => stderr.push(`host: ${error}`);
  await client.connect(transport);
  return { client, stderr };
}

const textOf = (result: Awaited<ReturnType<Client['callTool']>>) =>
  (result.content as Array<{ type: string; text: string }>).map((c) => c.text).join('\n');

describe('enclavia-mcp --transport stdio, installed, with a personal access token', () => {
  it("serves the deployment's tools; once the token is revoked, a tool call says what to do", async () => {
    const pat = await createPersonalAccessToken();
    const { client, stderr } = await connectOverStdio(pat.token);
    expect(client.getServerVersion()?.version).toBe(rootVersion());

    const { tools } = await client.listTools();
    // Exactly the deployment's tools for this token's scope (enclaves:read).
    expect(tools.map((t) => t.name).sort()).toEqual([
      'enclave_list',
      'enclave_logs',
      'enclave_status',
      'mcp_whoami',
    ]);
    const me = await client.callTool({ name: 'mcp_whoami', arguments: {} });
    expect(me.structuredContent).toMatchObject({
      user: { email: 'cli-owner@example.com' },
      workspace: { id: workspaceId },
      scopes: ['enclaves:read'],
    });
    // The deployment's own refusals come through as they are.
    const refused = await client.callTool({ name: 'enclave_status', arguments: { id: 'no-such-enclave' } });
    expect(refused.isError).toBe(true);
    expect(stderr).toEqual([]);

    expect((await owner.api('DELETE', `/api/v1/tokens/${pat.id}`)).status).toBe(204);
    await expect
      .poll(async () => (await client.callTool({ name: 'enclave_list', arguments: {} })).isError)
      .toBe(true);
    const afterRevocation = await client.callTool({ name: 'enclave_list', arguments: {} });
    expect(textOf(afterRevocation)).toMatch(
      new RegExp(
        `^ENCLAVIA_TOKEN was refused by ${env.stack.mcpUrl} \\(401 invalid_token.*\\): create a new personal access token in the dashboard`,
      ),
    );
    await client.close();
  });

  it('exits 1 with one line on stderr and nothing on stdout before any protocol traffic', async () => {
    const stdio = (environment: Record<string, string>) =>
      cli('enclavia-mcp', ['--transport', 'stdio'], environment);

    const badToken = await stdio({ ENCLAVIA_URL: env.stack.mcpUrl, ENCLAVIA_TOKEN: 'enclavia_pat_wrong' });
    expect(badToken.code).toBe(1);
    expect(badToken.stdout).toBe('');
    expect(badToken.stderr).toMatch(
      new RegExp(
        `^enclavia-mcp: ENCLAVIA_TOKEN was refused by ${env.stack.mcpUrl} \\(401 invalid_token[^\\n]*\\): create a new personal access token in the dashboard[^\\n]*\\n$`,
      ),
    );

    const noToken = await stdio({ ENCLAVIA_URL: env.stack.mcpUrl });
    expect({ ...noToken, stderr: noToken.stderr.split('\n').length }).toEqual({
      code: 1,
      stdout: '',
      stderr: 2,
    });
    expect(noToken.stderr).toMatch(/^enclavia-mcp: not signed in: set ENCLAVIA_TOKEN/);

    const nowhere = `http://127.0.0.1:${await freePort()}/mcp`;
    const unreachable = await stdio({ ENCLAVIA_URL: nowhere, ENCLAVIA_TOKEN: 'enclavia_pat_any' });
    expect(unreachable).toEqual({
      code: 1,
      stdout: '',
      stderr: `enclavia-mcp: cannot reach ${nowhere} (ECONNREFUSED): check the URL (--url or ENCLAVIA_URL) and that the deployment is up\n`,
    });
  });
});
