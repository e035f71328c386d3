import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { authorizedFetch } from './authorized-fetch.js';
import type { Credential } from './credential.js';
import { CliError } from './errors.js';
import { describeFailure } from './failure.js';
import { VERSION } from './version.js';

/**
 * One MCP `initialize` round trip with the credential, before anything else: a token the
 * deployment refuses, or a deployment that is not there, is a CliError with one sentence saying
 * what to do.
 */
export async function probeDeployment(url: string, credential: Credential): Promise<void> {
  const send = authorizedFetch(credential);
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  let response: Response;
  try {
    response = await send(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: {
          protocolVersion: LATEST_PROTOCOL_VERSION,
          capabilities: {},
          clientInfo: { name: 'enclavia-mcp', version: VERSION },
        },
      }),
    });
  } catch (error) {
    throw new CliError(describeFailure(error, credential, url));
  }
  await response.body?.cancel();
  if (!response.ok) {
    throw new CliError(
      `${url} answered HTTP ${response.status} to an MCP initialize: check the URL (--url or ENCLAVIA_URL), the deployment's MCP URL ends in /mcp`,
    );
  }
  // A stateful server opened a session for the probe: end it, best effort.
  const session = response.headers.get('mcp-session-id');
  if (session) {
    await send(url, { method: 'DELETE', headers: { 'mcp-session-id': session } })
      .then((r) => r.body?.cancel())
      .catch(() => undefined);
  }
}
