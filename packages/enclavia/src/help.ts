import { DEFAULT_MCP_URL } from './config.js';

const DEPLOYMENT = `The deployment is --url, else ENCLAVIA_URL, else the one \`enclavia auth login\` signed in to,
else ${DEFAULT_MCP_URL}. The token is ENCLAVIA_TOKEN (a personal access token), else the stored login.
The login is kept in $XDG_CONFIG_HOME/enclavia/credentials.json (~/.config/enclavia on Linux,
~/Library/Application Support/enclavia on macOS, %APPDATA%\\enclavia on Windows).`;

export const ENCLAVIA_HELP = `Usage: enclavia <command> [flags]

Commands:
  auth login [--url <mcp url>] [--no-browser]
                             sign in in the browser (OAuth, PKCE, a loopback redirect); the tokens are
                             kept in the config folder (mode 0600) and refreshed when they expire
  auth status [--json]       who you are signed in as: user, workspace, scopes, expiry
  auth logout                revoke the login at the server and delete it here
  enclave list [--state <state>]
                             your workspace's enclaves, newest first
  enclave status <id>        one enclave in full
  enclave logs <id> [--stream build|runtime|both] [--tail <n>] [--since <ISO time>]
                             its build and runtime logs
  enclave create --image <registry/repository:tag> [--instance-type <type>] [--container-port <port>]
                 [--storage-size-bytes <bytes>] [--name <name>] [--wait]
                             create one; --wait shows its progress until it runs (exit 1 if it fails)
  enclave stop <id>          stop it (its storage is kept)
  enclave destroy <id>       destroy it for good
  mcp [--url <mcp url>]      a stdio MCP server forwarding to the deployment (enclavia-mcp --transport stdio)

Flags:
  --url <mcp url>            the deployment's MCP URL, e.g. https://mcp.example.com/mcp
  --json                     (auth status, enclave …) print the tool's structured result as JSON
  --version                  print the version
  --help                     print this help

${DEPLOYMENT}
`;

export const ENCLAVIA_MCP_HELP = `Usage: enclavia-mcp --transport stdio [--url <mcp url>]

A stdio MCP server for one user: every message is forwarded to the deployment's MCP server with
your token, so the tools, scopes and errors are exactly the deployment's. Nothing but protocol is
written to stdout; a missing, refused or unusable token, or an unreachable deployment, is one line
on stderr and exit code 1 before any protocol traffic.

Flags:
  --transport stdio          the only transport (the HTTP server is the deployment itself)
  --url <mcp url>            the deployment's MCP URL
  --version                  print the version
  --help                     print this help

${DEPLOYMENT}
`;
