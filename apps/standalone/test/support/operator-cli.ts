import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const TSX = createRequire(import.meta.url).resolve('tsx/cli');
const AUTH = fileURLToPath(new URL('../../../auth', import.meta.url));

/**
 * What a process printed on stderr, less the warning oidc-provider prints on loading under Node 20
 * (an environment's, not ours: the product's own output is what the tests judge).
 */
export function ownStderr(stderr: string): string {
  return stderr.replace(/^oidc-provider WARNING: Unsupported runtime\..*\n/m, '');
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `pnpm disable-user <email>` as an operator runs it: what the script in apps/auth/package.json
 * runs, in a process of its own, with only `env` for configuration.
 */
export function runDisableUser(email: string, env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [TSX, 'src/cli/disable-user.ts', email],
      {
        cwd: AUTH,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
        timeout: 30_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr: ownStderr(stderr) }),
    );
  });
}
