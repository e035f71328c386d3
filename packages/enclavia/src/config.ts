import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { CliError } from './errors.js';

/** Where a command goes when nothing else names a deployment: `pnpm start` on this machine. */
export const DEFAULT_MCP_URL = 'http://localhost:4001/mcp';

const blankIsUnset = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;
const optionalText = z.preprocess(blankIsUnset, z.string().optional());
const httpUrl = z.url({
  protocol: /^https?$/,
  error: 'must be an http(s) URL, e.g. https://mcp.example.com/mcp',
});
const mcpUrl = z.preprocess(blankIsUnset, httpUrl.optional());

/** A deployment's MCP URL given on the command line; `flag` names it in the error. */
export function parseMcpUrl(value: string, flag: string): string {
  const parsed = httpUrl.safeParse(value);
  if (!parsed.success) throw new CliError(`${flag}: ${parsed.error.issues[0]!.message}`, 2);
  return parsed.data;
}

const schema = z.object({
  /** The deployment's MCP URL. */
  ENCLAVIA_URL: mcpUrl,
  /** A personal access token or an access token for the MCP resource; wins over the stored login. */
  ENCLAVIA_TOKEN: optionalText,
  /** The command that opens a URL, for `auth login`. */
  BROWSER: optionalText,
  XDG_CONFIG_HOME: optionalText,
  APPDATA: optionalText,
});

export interface CliConfig {
  url: string | undefined;
  token: string | undefined;
  browser: string | undefined;
  /** The folder holding `credentials.json`. */
  configDir: string;
}

/** The environment this CLI reads, and nothing else; a bad value is one line naming it. */
export function loadCliConfig(env: NodeJS.ProcessEnv = process.env, platform = process.platform): CliConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CliError(`${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  return {
    url: e.ENCLAVIA_URL,
    token: e.ENCLAVIA_TOKEN,
    browser: e.BROWSER,
    configDir: configDir(platform, e.XDG_CONFIG_HOME, e.APPDATA),
  };
}

function configDir(platform: NodeJS.Platform, xdg: string | undefined, appData: string | undefined): string {
  if (xdg) return join(xdg, 'enclavia');
  if (platform === 'win32') return join(appData ?? join(homedir(), 'AppData', 'Roaming'), 'enclavia');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'enclavia');
  return join(homedir(), '.config', 'enclavia');
}
