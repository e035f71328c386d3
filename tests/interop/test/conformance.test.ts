import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  completeAuthorization,
  freePort,
  registerClient,
  signInToDashboard,
  useStack,
} from '@enclavia/standalone/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { NODE22, packageFile } from './support/peers.js';
import { startTokenProxy } from './support/token-proxy.js';

const CONFORMANCE = packageFile('@modelcontextprotocol/conformance', 'dist/index.js');
const here = dirname(fileURLToPath(import.meta.url));

// The server scenarios reach the product through a token-adding proxy on this port; its origin is
// the one the DNS-rebinding scenario sends, so the product knows it as a browser origin.
const proxyPort = await freePort();
const proxyUrl = `http://127.0.0.1:${proxyPort}/mcp`;
const env = useStack({ env: { MCP_ALLOWED_ORIGINS: `http://127.0.0.1:${proxyPort}` } });

/** Runs the suite to its end; its whole output, for the assertions and their messages. */
function runSuite(args: string[], onOutput: (output: string) => void = () => {}) {
  const suite = spawn(NODE22, [CONFORMANCE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk;
    onOutput(output);
  };
  suite.stdout.on('data', collect);
  suite.stderr.on('data', collect);
  return new Promise<{ code: number | null; output: string }>((resolve) =>
    suite.on('exit', (code) => resolve({ code, output })),
  );
}

it('passes both authorization server scenarios of the official MCP conformance suite', async () => {
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const { client_id } = await registerClient(env.stack.issuer, redirectUri, {
    client_name: 'MCP conformance',
  });

  let consented: Promise<unknown> | undefined;
  const { code, output } = await runSuite(
    [
      'authorization',
      '--url',
      env.stack.issuer,
      '--client-id',
      client_id,
      '--resource',
      env.stack.mcpUrl,
      '--port',
      String(port),
    ],
    (output) => {
      // The suite prints the authorization URL for a person to open, then waits for its callback.
      const url = output.match(new RegExp(`${env.stack.issuer}/authorize\\?\\S+`))?.[0];
      if (url && !consented) {
        consented = completeAuthorization(url, { email: 'conformance@example.com', redirectUri }).then(
          (callback) => fetch(callback),
        );
      }
    },
  );
  await consented;
  expect(output, output).toMatch(/✓ authorization-server-metadata-endpoint: [1-9]\d* passed, 0 failed/);
  expect(output, output).toMatch(/✓ authorization-code-grant: [1-9]\d* passed, 0 failed/);
  expect(output, output).toMatch(/Total: [1-9]\d* passed, 0 failed/);
  expect(code, output).toBe(0);
});

describe('the MCP server scenarios of the official conformance suite, through a token-adding proxy', () => {
  let proxy: Server | undefined;
  afterAll(() => proxy?.close());

  async function runServerSuite(revisionArgs: string[], expectedFailures: string) {
    if (!proxy) {
      const session = await signInToDashboard(env.stack.issuer, 'server-conformance@example.com');
      const { workspaces } = (await (await session.api('GET', '/api/v1/workspaces')).json()) as {
        workspaces: Array<{ id: string }>;
      };
      const created = await session.api('POST', '/api/v1/tokens', {
        name: 'conformance',
        workspace_id: workspaces[0]!.id,
        scopes: ['enclaves:read', 'enclaves:write', 'enclaves:destroy'],
        expires_in_days: 30,
      });
      const { token } = (await created.json()) as { token?: string };
      if (!token) throw new Error(`no personal access token: ${created.status}`);
      proxy = await startTokenProxy(proxyPort, new URL(env.stack.mcpUrl), token);
    }
    return runSuite([
      'server',
      '--url',
      proxyUrl,
      ...revisionArgs,
      '--expected-failures',
      join(here, '..', 'conformance', expectedFailures),
      '--timeout',
      '10000',
      '-o',
      mkdtempSync(join(tmpdir(), 'enclavia-conformance-')),
    ]);
  }

  it('passes the active suite at 2025-11-25 (initialize sessions), failing only where a fixture is missing', async () => {
    const { code, output } = await runServerSuite(
      ['--suite', 'active', '--spec-version', '2025-11-25'],
      'expected-failures-2025-11-25.yaml',
    );
    expect(output, output).toMatch(/✓ server-initialize: [1-9]\d* passed, 0 failed/);
    expect(output, output).toMatch(/✓ tools-list: [1-9]\d* passed, 0 failed/);
    expect(output, output).toMatch(/✓ dns-rebinding-protection: [1-9]\d* passed, 0 failed/);
    expect(output, output).toMatch(/Baseline check passed: all failures are expected/);
    expect(code, output).toBe(0);
  }, 180_000);

  it('passes what 2026-07-28 requires (stateless), failing only where a fixture is missing', async () => {
    const { code, output } = await runServerSuite(
      ['--requirements', '2026-07-28'],
      'expected-failures-2026-07-28.yaml',
    );
    expect(output, output).toMatch(/✓ tools-list: [1-9]\d* passed, 0 failed/);
    expect(output, output).toMatch(/✓ dns-rebinding-protection: [1-9]\d* passed, 0 failed/);
    expect(output, output).toMatch(/Baseline check passed: all failures are expected/);
    expect(code, output).toBe(0);
  }, 180_000);
});
