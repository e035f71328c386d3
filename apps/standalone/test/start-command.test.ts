import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { authorizationCodeFlow, tokenRequest } from './support/flow.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { type ProductProcess, startProductProcess } from './support/product-process.js';
import { registerClient } from './support/register.js';

// `pnpm start` runs the product compiled by apps/standalone/scripts/start.mjs, not the sources the
// other tests import: this file is what proves that the command in the README works.
const dataDir = join(mkdtempSync(join(tmpdir(), 'enclavia-start-')), 'pglite');
const REDIRECT = 'http://127.0.0.1:3118/callback';
let product: ProductProcess | undefined;

afterAll(async () => {
  await product?.stop();
  rmSync(join(dataDir, '..'), { recursive: true, force: true });
});

it('starts on a new data directory, connects a client end to end, and stops on Ctrl-C', async () => {
  product = await startProductProcess({ dataDir });

  expect(product.stdout()).toContain(`MCP server URL (paste it into your MCP client):  ${product.mcpUrl}`);
  expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
  const { client_id: clientId } = await registerClient(product.issuer, REDIRECT, { client_name: 'start' });
  const tokens = (await (
    await authorizationCodeFlow(
      product.issuer,
      { clientId },
      { redirectUri: REDIRECT, email: 'start@example.com', resource: product.mcpUrl },
    )
  ).json()) as { access_token: string; refresh_token: string };
  const whoami = await callToolOverHttp(product.mcpUrl, tokens.access_token, 'mcp_whoami');
  expect(await whoami.json()).toMatchObject({
    result: { structuredContent: { user: { email: 'start@example.com' } } },
  });

  expect(await product.stop()).toBe(0);

  // Started again on the same directory, the client's refresh token still works.
  product = await startProductProcess({ dataDir, ports: product.ports });
  const refreshed = await tokenRequest(
    product.issuer,
    { clientId },
    { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
  );
  expect(refreshed.status).toBe(200);
});
