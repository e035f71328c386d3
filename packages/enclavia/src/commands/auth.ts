import { z } from 'zod';
import { openBrowser } from '../browser.js';
import { type CliConfig, DEFAULT_MCP_URL, loadCliConfig, parseMcpUrl } from '../config.js';
import { resolveDeployment } from '../deployment.js';
import { CliError } from '../errors.js';
import { parseFlags } from '../flags.js';
import { loginCredential } from '../login-credential.js';
import { signIn } from '../login-flow.js';
import { LoginStore } from '../login-store.js';
import { connectToDeployment } from '../remote-tools.js';

const HELP = 'enclavia --help';

const Whoami = z.object({
  user: z.object({ email: z.string() }),
  workspace: z.object({ id: z.string(), name: z.string().nullable() }),
  client_id: z.string(),
  scopes: z.array(z.string()),
  expires_at: z.string(),
});

/** `enclavia auth login|status|logout`. */
export async function authCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const config = loadCliConfig();
  if (sub === 'login') return login(rest, config);
  if (sub === 'status') return status(rest, config);
  if (sub === 'logout') return logout(rest, config);
  throw new CliError(
    sub ? `unknown command "auth ${sub}"; see ${HELP}` : `auth needs login, status or logout; see ${HELP}`,
    2,
  );
}

async function login(args: string[], config: CliConfig): Promise<number> {
  const { values } = parseFlags(args, { url: { type: 'string' }, 'no-browser': { type: 'boolean' } }, HELP);
  const store = new LoginStore(config.configDir);
  const url =
    values.url !== undefined
      ? parseMcpUrl(values.url, '--url')
      : (config.url ?? store.read()?.url ?? DEFAULT_MCP_URL);
  const stored = await signIn(url, {
    async showAuthorizationUrl(authorizationUrl) {
      const opened = !values['no-browser'] && (await openBrowser(authorizationUrl, config.browser));
      process.stderr.write(
        opened
          ? `Opened your browser to sign in. If it did not open, visit:\n  ${authorizationUrl}\n`
          : `Open this URL in your browser to sign in:\n  ${authorizationUrl}\n`,
      );
    },
  });
  store.save(stored);
  const tools = await connectToDeployment({
    url,
    credential: loginCredential(store, stored),
    store,
    login: stored,
  });
  try {
    const me = Whoami.parse((await tools.call('mcp_whoami')).structuredContent);
    process.stdout.write(
      `Signed in to ${url} as ${me.user.email}, workspace ${workspaceName(me.workspace)}.\n`,
    );
  } finally {
    await tools.close();
  }
  return 0;
}

async function status(args: string[], config: CliConfig): Promise<number> {
  const { values } = parseFlags(args, { url: { type: 'string' }, json: { type: 'boolean' } }, HELP);
  const deployment = resolveDeployment(values.url, config);
  if (!deployment.credential) {
    throw new CliError(`not signed in to ${deployment.url}: run \`enclavia auth login\``);
  }
  const tools = await connectToDeployment(deployment);
  try {
    const result = await tools.call('mcp_whoami');
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result.structuredContent, null, 2)}\n`);
      return 0;
    }
    const me = Whoami.parse(result.structuredContent);
    const via = config.token ? 'ENCLAVIA_TOKEN' : `the login stored in ${deployment.store.file}`;
    process.stdout.write(
      [
        `Deployment: ${deployment.url} (through ${via})`,
        `User:       ${me.user.email}`,
        `Workspace:  ${workspaceName(me.workspace)}`,
        `Scopes:     ${me.scopes.join(' ') || '(none)'}`,
        `Expires:    ${me.expires_at}${config.token ? '' : ' (refreshed when it expires)'}`,
        '',
      ].join('\n'),
    );
  } finally {
    await tools.close();
  }
  return 0;
}

/** RFC 7009: the refresh token is revoked at the server (its grant with it), then the file is deleted. */
async function logout(args: string[], config: CliConfig): Promise<number> {
  parseFlags(args, {}, HELP);
  const store = new LoginStore(config.configDir);
  const login = store.read();
  if (!login) {
    process.stdout.write('Not signed in: nothing to do.\n');
    return 0;
  }
  const problem = await revoke(
    login.revocationEndpoint,
    login.refreshToken ?? login.accessToken,
    login.clientId,
  );
  store.delete();
  if (problem) {
    throw new CliError(
      `signed out here, but ${problem}; the token stays valid at ${login.url} until it expires`,
    );
  }
  process.stdout.write(`Signed out of ${login.url}.\n`);
  return 0;
}

async function revoke(
  endpoint: string | undefined,
  token: string,
  clientId: string,
): Promise<string | undefined> {
  if (!endpoint) return 'the server offers no revocation endpoint';
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, token_type_hint: 'refresh_token', client_id: clientId }),
    });
    await response.body?.cancel();
    return response.ok ? undefined : `${endpoint} answered HTTP ${response.status}`;
  } catch (error) {
    return `${endpoint} could not be reached (${(error as Error).message})`;
  }
}

function workspaceName(workspace: { id: string; name: string | null }): string {
  return workspace.name ? `${workspace.name} (${workspace.id})` : workspace.id;
}
