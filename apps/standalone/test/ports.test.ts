import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '@enclavia/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStandaloneConfig } from '../src/config.js';
import { startServices } from '../src/start.js';
import { spawnProduct } from './support/product-process.js';
import { freePort } from './support/stack.js';

const scratch = mkdtempSync(join(tmpdir(), 'enclavia-ports-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** stderr without oidc-provider's Node 20 runtime warning, which the README explains. */
function operatorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.includes('oidc-provider WARNING: Unsupported runtime'));
}

describe('setting only AUTH_PORT and MCP_PORT', () => {
  it('moves every advertised URL with the ports', async () => {
    const database = await createTestDatabase();
    const ports = { auth: await freePort(), mcp: await freePort() };
    const config = loadStandaloneConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      AUTH_PORT: String(ports.auth),
      MCP_PORT: String(ports.mcp),
    });
    const services = await startServices(config, database);
    try {
      const issuer = `http://localhost:${ports.auth}`;
      const resource = `http://localhost:${ports.mcp}/mcp`;
      const metadata = (await (
        await fetch(`${issuer}/.well-known/oauth-authorization-server`)
      ).json()) as Record<string, string>;
      expect(metadata.issuer).toBe(issuer);
      expect(metadata.token_endpoint).toBe(`${issuer}/token`);
      expect(metadata.authorization_endpoint).toBe(`${issuer}/authorize`);

      const prm = (await (
        await fetch(`http://localhost:${ports.mcp}/.well-known/oauth-protected-resource/mcp`)
      ).json()) as { resource: string; authorization_servers: string[] };
      expect(prm).toMatchObject({ resource, authorization_servers: [issuer] });

      const challenge = await fetch(resource, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(challenge.status).toBe(401);
      expect(challenge.headers.get('www-authenticate')).toContain(
        `resource_metadata="http://localhost:${ports.mcp}/.well-known/oauth-protected-resource/mcp"`,
      );
    } finally {
      await services.close();
      await database.close();
    }
  });
});

describe('a listener that cannot open', () => {
  let held: Server | undefined;
  afterAll(() => held?.close());

  it('is one line naming the port and the setting to change, exit 1, no stack trace', async () => {
    const busy = await freePort();
    held = createServer();
    await new Promise<void>((resolve) => held!.listen(busy, '127.0.0.1', resolve));

    const product = await spawnProduct({
      dataDir: join(scratch, 'busy'),
      ports: { auth: busy, mcp: await freePort() },
    });
    expect(await product.exited).toBe(1);
    expect(operatorLines(product.stderr())).toEqual([
      `Port ${busy} on 127.0.0.1 is in use (is Enclavia already running?): start on another port with AUTH_PORT=…`,
    ]);
    expect(product.stdout()).not.toContain('Enclavia is running');
  });

  it('is one line for an unusable setting too', async () => {
    const product = await spawnProduct({ dataDir: join(scratch, 'bad'), env: { MCP_PORT: '70000' } });
    expect(await product.exited).toBe(1);
    const lines = operatorLines(product.stderr());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: MCP_PORT: /);
  });
});
