import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import {
  InitializeResultSchema,
  isJSONRPCRequest,
  isJSONRPCResponse,
  type JSONRPCMessage,
  type JSONRPCRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { authorizedFetch } from './authorized-fetch.js';
import type { Credential } from './credential.js';
import { describeFailure } from './failure.js';

/** JSON-RPC "server error" range: the request never reached a server that could answer it. */
const FORWARDING_FAILED = -32000;

/**
 * Pipes every JSON-RPC message between this process's stdio (the host, e.g. Claude Desktop) and the
 * deployment's Streamable HTTP endpoint, so tools, scopes and errors are exactly the deployment's.
 * When a message cannot be delivered (token refused, deployment gone), the host still gets an
 * answer saying what to do: a tool result with `isError` for `tools/call`, a JSON-RPC error otherwise.
 * Resolves when the host closes stdin.
 */
export async function forwardStdio(url: string, credential: Credential): Promise<void> {
  const host = new StdioServerTransport();
  const remote = new StreamableHTTPClientTransport(new URL(url), { fetch: authorizedFetch(credential) });
  const initializeIds = new Set<string | number>();

  const answerUndelivered = (message: JSONRPCMessage, error: unknown) => {
    const text = describeFailure(error, credential, url);
    if (!isJSONRPCRequest(message)) {
      process.stderr.write(`enclavia-mcp: ${text}\n`);
      return;
    }
    void host.send(undeliveredAnswer(message, text));
  };

  host.onmessage = (message) => {
    if (isJSONRPCRequest(message) && message.method === 'initialize') initializeIds.add(message.id);
    remote.send(message).catch((error) => answerUndelivered(message, error));
  };
  remote.onmessage = (message) => {
    // The version the two sides agreed on goes on every later HTTP request, as the SDK client does.
    if (isJSONRPCResponse(message) && initializeIds.delete(message.id)) {
      const result = InitializeResultSchema.safeParse(message.result);
      if (result.success) remote.setProtocolVersion(result.data.protocolVersion);
    }
    void host.send(message);
  };
  // Failures of the optional server-to-client stream: nothing the host asked for is lost.
  remote.onerror = (error) =>
    process.stderr.write(`enclavia-mcp: ${describeFailure(error, credential, url)}\n`);

  await remote.start();
  await host.start();
  await new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
  await remote.terminateSession().catch(() => undefined);
  await remote.close();
  await host.close();
}

function undeliveredAnswer(request: JSONRPCRequest, text: string): JSONRPCMessage {
  if (request.method === 'tools/call') {
    return { jsonrpc: '2.0', id: request.id, result: { content: [{ type: 'text', text }], isError: true } };
  }
  return { jsonrpc: '2.0', id: request.id, error: { code: FORWARDING_FAILED, message: text } };
}
