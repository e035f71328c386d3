import { spawn } from 'node:child_process';
import { completeAuthorization, freePort, registerClient, useStack } from '@enclavia/standalone/testing';
import { expect, it } from 'vitest';
import { NODE22, packageFile } from './support/peers.js';

const env = useStack();

it('passes both authorization server scenarios of the official MCP conformance suite', async () => {
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const { client_id } = await registerClient(env.stack.issuer, redirectUri, {
    client_name: 'MCP conformance',
  });

  const suite = spawn(
    NODE22,
    [
      packageFile('@modelcontextprotocol/conformance', 'dist/index.js'),
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
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let consented: Promise<unknown> | undefined;
  const exit = new Promise<number | null>((resolve) => suite.on('exit', resolve));
  const onData = (chunk: Buffer) => {
    output += chunk;
    // The suite prints the authorization URL for a person to open, then waits for its callback.
    const url = output.match(new RegExp(`${env.stack.issuer}/authorize\\?\\S+`))?.[0];
    if (url && !consented) {
      consented = completeAuthorization(url, { email: 'conformance@example.com', redirectUri }).then(
        (callback) => fetch(callback),
      );
    }
  };
  suite.stdout.on('data', onData);
  suite.stderr.on('data', onData);

  const code = await exit;
  await consented;
  expect(output, output).toMatch(/✓ authorization-server-metadata-endpoint: [1-9]\d* passed, 0 failed/);
  expect(output, output).toMatch(/✓ authorization-code-grant: [1-9]\d* passed, 0 failed/);
  expect(output, output).toMatch(/Total: [1-9]\d* passed, 0 failed/);
  expect(code, output).toBe(0);
});
