import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('../..', import.meta.url));

export interface Installed {
  /** The path of an installed bin, as `npm install -g` put it on the PATH. */
  bin(name: 'enclavia' | 'enclavia-mcp'): string;
  /** The packed tarball. */
  tarball: string;
  /** The package.json inside the tarball. */
  packedManifest: Record<string, unknown>;
  close(): void;
}

/**
 * Packs this package as it would be published (`npm pack`, which builds it first) and installs the
 * tarball globally into a temporary prefix with npm, from the npm registry, as a user would.
 */
export async function packAndInstall(): Promise<Installed> {
  const dir = mkdtempSync(join(tmpdir(), 'enclavia-cli-install-'));
  await run('npm', ['pack', '--pack-destination', dir], {
    cwd: packageDir,
    env: { ...process.env, npm_config_loglevel: 'error' },
  });
  const tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
  const { stdout } = await run('tar', ['-xOzf', tarball, 'package/package.json']);
  const prefix = join(dir, 'prefix');
  await run('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tarball], {
    cwd: dir,
    env: { ...process.env, npm_config_loglevel: 'error' },
  });
  return {
    bin: (name) => (process.platform === 'win32' ? join(prefix, `${name}.cmd`) : join(prefix, 'bin', name)),
    tarball,
    packedManifest: JSON.parse(stdout),
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The version at the repository root: the product's one version. */
export function rootVersion(): string {
  return JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')).version;
}
