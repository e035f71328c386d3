import { type CliConfig, DEFAULT_MCP_URL, parseMcpUrl } from './config.js';
import { type Credential, pinnedToken } from './credential.js';

export interface Deployment {
  /** The deployment's MCP URL. */
  url: string;
  /** How to authenticate to it; none when nothing is configured or stored for this URL. */
  credential: Credential | undefined;
}

/**
 * The deployment every command talks to: `--url`, else ENCLAVIA_URL, else the default. The token
 * is ENCLAVIA_TOKEN.
 */
export function resolveDeployment(flagUrl: string | undefined, config: CliConfig): Deployment {
  const url = flagUrl !== undefined ? parseMcpUrl(flagUrl, '--url') : (config.url ?? DEFAULT_MCP_URL);
  return { url, credential: config.token ? pinnedToken(config.token) : undefined };
}
