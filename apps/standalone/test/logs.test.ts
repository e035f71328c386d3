import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { connect, revokeByClient, untilToolCallAnswers } from './support/connection.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { type ProductProcess, startProductProcess } from './support/product-process.js';

const scratch = mkdtempSync(join(tmpdir(), 'enclavia-logs-'));
let product: ProductProcess | undefined;
afterAll(async () => {
  await product?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

type Line = Record<string, unknown>;

it('with request logs off, a refused token and a revocation still log one line each, with ids and no secret', async () => {
  product = await startProductProcess({
    dataDir: join(scratch, 'pglite'),
    env: { LOG_LEVEL: 'info', LOG_REQUESTS: 'false', LOG_FORMAT: 'json' },
  });
  const connection = await connect(product.issuer, product.mcpUrl, 'logs@example.com');
  expect((await callToolOverHttp(product.mcpUrl, connection.tokens.access_token, 'mcp_whoami')).status).toBe(
    200,
  );
  expect((await revokeByClient(product.issuer, connection)).status).toBe(200);
  await untilToolCallAnswers(product.mcpUrl, connection.tokens.access_token, 401);
  await product.stop();

  const output = product.stdout();
  const lines = output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Line);
  const ids = { clientId: connection.clientId, grantId: connection.grantId };
  expect(lines).toContainEqual(
    expect.objectContaining({
      event: 'token_refused',
      service: 'mcp',
      status: 401,
      reason: 'the access token was revoked',
      ...ids,
    }),
  );
  expect(lines).toContainEqual(
    expect.objectContaining({ event: 'revocation', service: 'auth', source: 'client', ...ids }),
  );
  expect(lines.filter((l) => l.event === 'revocation')).toHaveLength(1);
  expect(lines.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toEqual([]);
  for (const secret of [connection.tokens.access_token, connection.tokens.refresh_token]) {
    expect(output).not.toContain(secret);
  }
});
