import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openDatabase } from '@enclavia/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ownStderr, runDisableUser } from './support/operator-cli.js';
import { type ProductProcess, spawnProduct, startProductProcess } from './support/product-process.js';
import { expectCutOff, grantAccess } from './support/user-access.js';
import { signInToDashboard } from './support/web-session.js';

// The embedded database has one holder: what `pnpm start` holds, a second `pnpm start`, stdio and
// `pnpm disable-user` must not open beside it. `pnpm start` as the README runs it, on PGlite.
const dataDir = join(mkdtempSync(join(tmpdir(), 'enclavia-held-')), 'pglite');
const mcpBin = join(
  dirname(createRequire(import.meta.url).resolve('@enclavia/mcp/package.json')),
  'bin',
  'enclavia-mcp-server.mjs',
);
let product: ProductProcess;
let cli: Record<string, string>;

const inUseBy = (pid: number, purpose: string) =>
  `the embedded database in ${dataDir} is in use by process ${pid} (${purpose}): stop it first, or use DATABASE_URL`;

beforeAll(async () => {
  product = await startProductProcess({ dataDir });
  cli = { DATA_DIR: dataDir, AUTH_PUBLIC_URL: product.issuer, MCP_PUBLIC_URL: product.mcpUrl };
});
afterAll(async () => {
  await product?.stop();
  rmSync(join(dataDir, '..'), { recursive: true, force: true });
});

it('a second pnpm start on the same data directory exits at once with one line; the first keeps serving', async () => {
  const second = await spawnProduct({ dataDir });
  const code = await Promise.race([
    second.exited,
    new Promise((resolve) => setTimeout(() => resolve('still running'), 10_000)),
  ]);
  if (code === 'still running') await second.stop();
  expect(code).toBe(1);
  expect(ownStderr(second.stderr())).toBe(`${inUseBy(product.pid, 'pnpm start')}\n`);
  expect(second.stdout()).toBe('');

  expect((await fetch(product.healthz)).status).toBe(200);
  expect((await fetch(`${product.issuer}/healthz`)).status).toBe(200);
  const session = await signInToDashboard(product.issuer, 'still@example.com');
  expect((await session.api('GET', '/api/v1/workspaces')).status).toBe(200);
});

it('enclavia-mcp-server --transport stdio on the held directory exits with one line on stderr, nothing on stdout', async () => {
  const failure = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [mcpBin, '--transport', 'stdio'],
      { env: { PATH: process.env.PATH ?? '', ...cli, ENCLAVIA_TOKEN: 'any' }, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
  expect(failure).toEqual({
    code: 1,
    stdout: '',
    stderr: `enclavia-mcp-server: ${inUseBy(product.pid, 'pnpm start')}\n`,
  });
});

it('pnpm disable-user runs in the running product: the user is cut off within a second', async () => {
  const access = await grantAccess(product.issuer, product.mcpUrl, 'held@example.com');
  const run = await runDisableUser('held@example.com', cli);
  expect(run).toEqual({
    code: 0,
    stdout: 'Disabled held@example.com: revoked 1 connected app(s) and 1 personal access token(s).\n',
    stderr: '',
  });
  await expectCutOff(product.issuer, product.mcpUrl, access);

  expect(await runDisableUser('nobody@example.com', cli)).toEqual({
    code: 1,
    stdout: '',
    stderr: 'No user with the email nobody@example.com.\n',
  });
});

it('with the product stopped, pnpm disable-user opens the database itself, unless a process that does not offer it holds it', async () => {
  expect(await product.stop()).toBe(0);
  const holder = await openDatabase({ dataDir, purpose: 'a test holder' });
  try {
    expect(await runDisableUser('still@example.com', cli)).toEqual({
      code: 1,
      stdout: '',
      stderr: `${inUseBy(process.pid, 'a test holder')}\n`,
    });
  } finally {
    await holder.close();
  }
  expect(await runDisableUser('still@example.com', cli)).toEqual({
    code: 0,
    stdout: 'Disabled still@example.com: revoked 0 connected app(s) and 0 personal access token(s).\n',
    stderr: '',
  });
});
