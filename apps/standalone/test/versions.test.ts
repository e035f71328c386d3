import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useStack } from './support/stack.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const rootVersion = (JSON.parse(readFileSync(`${REPO}/package.json`, 'utf8')) as { version: string }).version;

/** Every binary an operator runs, as they run it from the repository. */
const BINARIES: Record<string, string[]> = {
  'pnpm start': ['apps/standalone/scripts/start.mjs'],
  'enclavia-mcp-server': ['apps/mcp/bin/enclavia-mcp-server.mjs'],
  'the authorization server': ['--import', 'tsx', 'apps/auth/src/main.ts'],
};

async function versionOf(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [...args, '--version'], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
  });
  return stdout.trim();
}

describe('one version, the root package.json', () => {
  const ctx = useStack();

  it('is what /healthz of both services says', async () => {
    for (const url of [`${ctx.stack.issuer}/healthz`, `http://127.0.0.1:${ctx.stack.ports.mcp}/healthz`]) {
      expect(await (await fetch(url)).json()).toEqual({ status: 'ok', version: rootVersion });
    }
  });

  it.each(Object.entries(BINARIES))('is what %s --version prints, and nothing else', async (_name, args) => {
    expect(await versionOf(args)).toBe(rootVersion);
  });

  it('is the enclavia CLI package version too', () => {
    const cli = `${REPO}/packages/enclavia/package.json`;
    if (!existsSync(cli)) return;
    expect((JSON.parse(readFileSync(cli, 'utf8')) as { version: string }).version).toBe(rootVersion);
  });
});
