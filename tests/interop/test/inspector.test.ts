import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { useStack } from '@enclavia/standalone/testing';
import { expect, it } from 'vitest';
import { browserEnv, NODE22, packageFile } from './support/peers.js';

const env = useStack();
const run = promisify(execFile);

it("MCP Inspector's CLI completes OAuth and lists the tools", async () => {
  const browser = browserEnv('inspector@example.com');
  const launcher = packageFile('@modelcontextprotocol/inspector', 'clients/launcher/build/index.js');
  const { stdout } = await run(
    NODE22,
    [
      launcher,
      '--cli',
      env.stack.mcpUrl,
      '--transport',
      'http',
      '--method',
      'tools/list',
      '--format',
      'json',
    ],
    {
      env: {
        ...browser.env,
        HOME: mkdtempSync(join(tmpdir(), 'enclavia-inspector-')),
        // Without a TTY the CLI only starts OAuth when told it may open a browser.
        MCP_AUTO_OPEN_ENABLED: 'true',
        MCP_INSPECTOR_SECRET_STORE: 'file',
      },
      timeout: 60_000,
    },
  ).catch((error) => {
    throw new Error(`inspector failed: ${error.stderr ?? error}\n${error.stdout ?? ''}`);
  });
  const names = (JSON.parse(stdout) as { result: { tools: Array<{ name: string }> } }).result.tools.map(
    (t) => t.name,
  );
  expect(names.sort()).toEqual([
    'enclave_create',
    'enclave_destroy',
    'enclave_list',
    'enclave_logs',
    'enclave_status',
    'enclave_stop',
    'mcp_whoami',
  ]);
});
