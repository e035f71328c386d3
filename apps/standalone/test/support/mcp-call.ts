/** One JSON-RPC tools/call over HTTP with a bearer token, as any MCP client sends it. */
export function callToolOverHttp(
  mcpUrl: string,
  token: string,
  name: string,
  args: Record<string, unknown> = {},
) {
  return fetch(mcpUrl, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } }),
  });
}

/** One JSON-RPC request over HTTP with a bearer token; `tools/list` by default. */
export function mcpRequestOverHttp(
  mcpUrl: string,
  token: string,
  method = 'tools/list',
  params: Record<string, unknown> = {},
) {
  return fetch(mcpUrl, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
}
