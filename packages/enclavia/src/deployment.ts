import { type CliConfig, DEFAULT_MCP_URL, parseMcpUrl } from './config.js';
import { type Credential, pinnedToken } from './credential.js';
import { loginCredential } from './login-credential.js';
import { LoginStore, type StoredLogin } from './login-store.js';

export interface Deployment {
  /** The deployment's MCP URL. */
  url: string;
  /** How to authenticate to it; none when nothing is configured or stored for this URL. */
  credential: Credential | undefined;
  store: LoginStore;
  /** The stored login, whichever deployment it is for. */
  login: StoredLogin | undefined;
}

/**
 * The deployment every command talks to: `--url`, else ENCLAVIA_URL, else the stored login's, else
 * the default. The token is ENCLAVIA_TOKEN, else the stored login when it is for that deployment
 * (a token is never sent to a deployment it was not issued for).
 */
export function resolveDeployment(flagUrl: string | undefined, config: CliConfig): Deployment {
  const store = new LoginStore(config.configDir);
  const login = store.read();
  const url =
    flagUrl !== undefined ? parseMcpUrl(flagUrl, '--url') : (config.url ?? login?.url ?? DEFAULT_MCP_URL);
  const credential = config.token
    ? pinnedToken(config.token)
    : login && sameUrl(login.url, url)
      ? loginCredential(store, login)
      : undefined;
  return { url, credential, store, login };
}

function sameUrl(a: string, b: string): boolean {
  return new URL(a).href === new URL(b).href;
}
