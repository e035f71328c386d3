import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Installed, packAndInstall, rootVersion } from './support/installed.js';

const execFileAsync = promisify(execFile);
let installed: Installed;
/** A home of its own for the CLI: nothing of the machine's login or settings leaks in. */
const configHome = mkdtempSync(join(tmpdir(), 'enclavia-cli-config-'));

beforeAll(async () => {
  installed = await packAndInstall();
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
