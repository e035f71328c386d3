import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * How the MCP server refuses malformed input (a control character): as a JSON-RPC error, which
 * every MCP client shows, on every route, the metadata and fallback routes too.
 */
export function refuseMalformedInput(_request: FastifyRequest, reply: FastifyReply, message: string) {
  return reply.status(400).send({
    jsonrpc: '2.0',
    error: { code: -32600, message: `Invalid Request: ${message}` },
    id: null,
  });
}
