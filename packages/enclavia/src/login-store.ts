import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CliError } from './errors.js';

/** What `enclavia auth login` keeps: enough to call the deployment, refresh, and revoke. */
const StoredLogin = z.object({
  /** The deployment's MCP URL, which is also the tokens' resource. */
  url: z.string(),
  /** The authorization server, as the MCP server's metadata named it. */
  authorizationServer: z.string(),
  tokenEndpoint: z.string(),
  revocationEndpoint: z.string().optional(),
  clientId: z.string(),
  accessToken: z.string(),
  refreshToken: z.string().optional(),
  /** Epoch milliseconds when the access token expires, if the server said. */
  expiresAt: z.number().optional(),
  scope: z.string().optional(),
});
export type StoredLogin = z.infer<typeof StoredLogin>;

/** `credentials.json` in the CLI's config folder: the folder 0700, the file 0600 (tokens in it). */
export class LoginStore {
  readonly file: string;

  constructor(readonly dir: string) {
    this.file = join(dir, 'credentials.json');
  }

  read(): StoredLogin | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let parsed: z.ZodSafeParseResult<StoredLogin>;
    try {
      parsed = StoredLogin.safeParse(JSON.parse(text));
    } catch {
      parsed = { success: false } as z.ZodSafeParseResult<StoredLogin>;
    }
    if (!parsed.success) {
      throw new CliError(`${this.file} is not a login this version understands: run \`enclavia auth login\``);
    }
    return parsed.data;
  }

  /** Written to a new file then renamed over the old one, so a crash never leaves half a login. */
  save(login: StoredLogin): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    const next = `${this.file}.${process.pid}.tmp`;
    writeFileSync(next, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
    chmodSync(next, 0o600);
    renameSync(next, this.file);
  }

  delete(): void {
    rmSync(this.file, { force: true });
  }
}
