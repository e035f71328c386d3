import type { onRequestHookHandler } from 'fastify';

const ALLOW_HEADERS = [
  'Authorization',
  'Content-Type',
  'Accept',
  'Mcp-Session-Id',
  'Mcp-Protocol-Version',
  'Last-Event-ID',
  'Mcp-Method',
  'Mcp-Name',
].join(', ');
const EXPOSE_HEADERS = 'WWW-Authenticate, Mcp-Session-Id, Mcp-Protocol-Version';

/**
 * The MCP transport's Origin rule (DNS rebinding): a request with an Origin we do not know is
 * refused with 403 before anything else; a request without one (CLIs, Claude's backend) is fine.
 * Known browser origins (MCP Inspector) get CORS, including on the 401 whose challenge they read.
 */
export function originPolicy(allowedOrigins: ReadonlySet<string>): onRequestHookHandler {
  // A callback hook, not an async one: no promise per request (docs/performance.md).
  return function checkOrigin(request, reply, done) {
    const origin = request.headers.origin;
    if (origin === undefined) return done();
    if (!allowedOrigins.has(origin)) {
      reply
        .status(403)
        .send({ error: 'forbidden_origin', error_description: `Origin ${origin} is not allowed` });
      return;
    }
    // Set on the raw response so they survive the transport writing it after hijack().
    reply.raw.setHeader('access-control-allow-origin', origin);
    reply.raw.setHeader('access-control-expose-headers', EXPOSE_HEADERS);
    reply.raw.setHeader('vary', 'Origin');
    if (request.method === 'OPTIONS') {
      reply
        .status(204)
        .headers({
          'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
          'access-control-allow-headers': ALLOW_HEADERS,
          'access-control-max-age': '600',
        })
        .send();
      return;
    }
    done();
  };
}
