import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../../apps/standalone/test/support/browser.js';
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

/** `npx -y -p <tarball> enclavia-mcp --version`, started at once and checked last: it installs again. */
let npxVersion: Promise<string>;

beforeAll(async () => {
  installed = await packAndInstall();
  npxVersion = execFileAsync('npx', ['-y', '-p', installed.tarball, 'enclavia-mcp', '--version'], {
    env: { ...process.env, npm_config_loglevel: 'error' },
  }).then(({ stdout }) => stdout);
  npxVersion.catch(() => undefined);
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
    scopes: ['enclaves:read', 'enclaves:write', 'enclaves:destroy'],
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
    // Exactly the deployment's tools for this token's scopes (no audit log).
    expect(tools.map((t) => t.name).sort()).toEqual([
      'enclave_create',
      'enclave_destroy',
      'enclave_list',
      'enclave_logs',
      'enclave_status',
      'enclave_stop',
      'mcp_whoami',
    ]);
    // A tool description that names a command names one this CLI has.
    const help = (await cli('enclavia', ['--help'])).stdout;
    for (const tool of tools) {
      for (const [command] of tool.description?.matchAll(/enclavia [a-z]+(?: [a-z]+)?/g) ?? []) {
        expect(help, `${tool.name}: ${command}`).toContain(command.replace(/^enclavia /, ''));
      }
    }
    const me = await client.callTool({ name: 'mcp_whoami', arguments: {} });
    expect(me.structuredContent).toMatchObject({
      user: { email: 'cli-owner@example.com' },
      workspace: { id: workspaceId },
      scopes: ['enclaves:read', 'enclaves:write', 'enclaves:destroy'],
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
    expect(noToken.stderr).toMatch(
      /^enclavia-mcp: not signed in to http\S+: run `enclavia auth login`, or set ENCLAVIA_TOKEN/,
    );

    const viaEnclavia = await cli('enclavia', ['mcp'], { ENCLAVIA_URL: env.stack.mcpUrl });
    expect(viaEnclavia.code).toBe(1);
    expect(viaEnclavia.stderr).toMatch(/^enclavia: not signed in to http\S+: run `enclavia auth login`/);

    const nowhere = `http://127.0.0.1:${await freePort()}/mcp`;
    const unreachable = await stdio({ ENCLAVIA_URL: nowhere, ENCLAVIA_TOKEN: 'enclavia_pat_any' });
    expect(unreachable).toEqual({
      code: 1,
      stdout: '',
      stderr: `enclavia-mcp: cannot reach ${nowhere} (ECONNREFUSED): check the URL (--url or ENCLAVIA_URL) and that the deployment is up\n`,
    });
  });
});

/** `enclavia auth login --no-browser`: the URL it prints, and its end. */
function startLogin(url: string) {
  const child = spawn(installed.bin('enclavia'), ['auth', 'login', '--no-browser', '--url', url], {
    env: { PATH: process.env.PATH!, HOME: configHome, XDG_CONFIG_HOME: configHome },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  const authorizationUrl = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const printed = stderr.match(/^ {2}(http\S+)$/m)?.[1];
      if (printed) resolve(printed);
    });
    child.once('exit', () => reject(new Error(`auth login ended without a URL: ${stderr}`)));
  });
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { authorizationUrl, exit };
}

const credentialsFile = join(configHome, 'enclavia', 'credentials.json');
const storedLogin = () => JSON.parse(readFileSync(credentialsFile, 'utf8'));
const signedIn = {
  PATH: process.env.PATH!,
  HOME: configHome,
  XDG_CONFIG_HOME: configHome,
};

describe('enclavia, installed, signed in with auth login', () => {
  it('auth login signs in through the browser and keeps the tokens in a file only the user can read', async () => {
    const login = startLogin(env.stack.mcpUrl);
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(await login.authorizationUrl);
      await page.getByLabel('Email').fill('cli-owner@example.com');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('button', { name: 'Approve' }).waitFor();
      // The CLI is known to the deployment by its own client ID metadata document.
      expect(await page.locator('main').innerText()).toContain('Enclavia CLI');
      // Destroy is offered unticked to an app not granted it before; the commands below use it.
      await page.getByRole('checkbox', { name: /enclaves:destroy/ }).check();
      await page.getByRole('button', { name: 'Approve' }).click();
      await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/);
      expect(await page.locator('body').innerText()).toContain('Signed in to Enclavia');
    } finally {
      await browser.close();
    }
    const { code, stdout } = await login.exit;
    expect(code).toBe(0);
    expect(stdout).toMatch(
      new RegExp(`^Signed in to ${env.stack.mcpUrl} as cli-owner@example.com, workspace .*${workspaceId}`),
    );

    expect(statSync(credentialsFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(configHome, 'enclavia')).mode & 0o777).toBe(0o700);
    expect(storedLogin()).toMatchObject({
      url: env.stack.mcpUrl,
      clientId: `${env.stack.issuer}/clients/enclavia-cli`,
      refreshToken: expect.any(String),
    });
  });

  it('auth status names the user, workspace, scopes and expiry, refreshing an expired login', async () => {
    const before = storedLogin();
    writeFileSync(credentialsFile, JSON.stringify({ ...before, expiresAt: 0 }));
    const { code, stdout } = await cli('enclavia', ['auth', 'status'], signedIn);
    expect(code).toBe(0);
    expect(stdout).toContain(`Deployment: ${env.stack.mcpUrl}`);
    expect(stdout).toContain('User:       cli-owner@example.com');
    expect(stdout).toContain(`Workspace:  `);
    expect(stdout).toContain(workspaceId);
    expect(stdout).toMatch(/Scopes: {5}enclaves:read enclaves:write enclaves:destroy/);
    expect(stdout).toMatch(/Expires: {4}\d{4}-\d\d-\d\dT/);
    // Refreshed, and the rotated refresh token saved in place of the used one.
    const after = storedLogin();
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.expiresAt).toBeGreaterThan(Date.now());
  });

  it('enclavia mcp serves the tools with the stored login', async () => {
    const transport = new StdioClientTransport({
      command: installed.bin('enclavia'),
      args: ['mcp'],
      env: signedIn,
    });
    const client = new Client({ name: 'claude-desktop-like-host', version: '0' });
    await client.connect(transport);
    const me = await client.callTool({ name: 'mcp_whoami', arguments: {} });
    expect(me.structuredContent).toMatchObject({
      user: { email: 'cli-owner@example.com' },
      client_id: `${env.stack.issuer}/clients/enclavia-cli`,
    });
    await client.close();
  });

  it('enclave create --wait shows progress until the enclave runs; status, logs, list and destroy follow', async () => {
    const created = await cli(
      'enclavia',
      [
        'enclave',
        'create',
        '--image',
        'ghcr.io/acme/cli:1',
        '--container-port',
        '3000',
        '--name',
        'from-cli',
        '--wait',
      ],
      signedIn,
    );
    expect(created.code).toBe(0);
    const id = created.stdout.match(/^ID: +(\S+)$/m)![1]!;
    expect(created.stdout).toMatch(/^State: +running$/m);
    expect(created.stdout).toMatch(/^Port: +3000$/m);
    // Progress on stderr: a line per state seen, the last one "running".
    const progress = created.stderr.trimEnd().split('\n');
    expect(progress.at(-1)).toBe(`${id}: running`);
    expect(progress.slice(0, -1).every((l) => new RegExp(`^${id}: (pending|building)…$`).test(l))).toBe(true);

    const status = await cli('enclavia', ['enclave', 'status', id, '--json'], signedIn);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).enclave).toMatchObject({
      id,
      name: 'from-cli',
      image: 'ghcr.io/acme/cli:1',
      state: 'running',
      measurement: expect.stringMatching(/^[0-9a-f]{96}$/),
    });

    const logs = await cli('enclavia', ['enclave', 'logs', id], signedIn);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/ build +Pulling ghcr\.io\/acme\/cli:1$/m);
    expect(logs.stdout).toMatch(/ runtime +Container listening on port 3000$/m);

    const list = await cli('enclavia', ['enclave', 'list'], signedIn);
    expect(list.stdout).toMatch(/^ID +NAME +IMAGE +TYPE +STATE +CREATED$/m);
    expect(list.stdout).toMatch(new RegExp(`^${id} +from-cli +ghcr\\.io/acme/cli:1 +\\S+ +running +`, 'm'));

    const destroyed = await cli('enclavia', ['enclave', 'destroy', id], signedIn);
    expect(destroyed.code).toBe(0);
    expect(destroyed.stdout).toMatch(/^State: +destroyed$/m);

    // The deployment's refusal of a tool call: its text on stderr, exit 1.
    const again = await cli('enclavia', ['enclave', 'stop', id], signedIn);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/^enclavia: .+\n$/);
  });

  it('auth logout revokes the login at the server and deletes the file', async () => {
    const { refreshToken, clientId } = storedLogin();
    const { code, stdout } = await cli('enclavia', ['auth', 'logout'], signedIn);
    expect({ code, stdout }).toEqual({ code: 0, stdout: `Signed out of ${env.stack.mcpUrl}.\n` });
    expect(() => statSync(credentialsFile)).toThrow();

    const refresh = await fetch(`${env.stack.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: clientId,
      }),
    });
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });

    const status = await cli('enclavia', ['auth', 'status'], signedIn);
    expect(status).toEqual({
      code: 1,
      stdout: '',
      stderr: 'enclavia: not signed in to http://localhost:4001/mcp: run `enclavia auth login`\n',
    });
  });
});

it('starts as the npx entry of claude_desktop_config.json names it', async () => {
  expect(await npxVersion).toBe(`${rootVersion()}\n`);
});
