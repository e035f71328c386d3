import { SCOPES, type Scope } from '@enclavia/contract';
import type { Database } from '@enclavia/db';
import type { EnclaveDriver } from '@enclavia/enclaves';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyPluginAsync } from 'fastify';
import { requireBearer } from '../auth/bearer.js';
import { bearerChallenge } from '../auth/challenge.js';
import type { VerifiedAuth } from '../auth/verify-access-token.js';
import { createMcpServer } from '../server.js';
import { TOOLS } from '../tools/index.js';
import { answerToolCall, fastToolCall } from './fast-tool-call.js';
import { originPolicy } from './origin-policy.js';

export interface McpRouteOptions {
  db: Database;
  driver: EnclaveDriver;
  enclaveQuota: number;
  allowedOrigins: ReadonlySet<string>;
  path: string;
  resourceMetadata: string;
  verify: (token: string) => Promise<VerifiedAuth>;
  /** Serve plain `tools/call` requests without a per-request SDK server (fast-tool-call.ts). */
  fastToolCalls: boolean;
}

/** The Streamable HTTP endpoint, stateless: every request is authenticated and served on its own. */
export const mcpRoutes: FastifyPluginAsync<McpRouteOptions> = async (
  app,
  { db, driver, enclaveQuota, allowedOrigins, path, resourceMetadata, verify, fastToolCalls },
) => {
  app.addHook('onRequest', originPolicy(allowedOrigins));
  app.addHook('preHandler', requireBearer({ verify, resourceMetadata }));
  // Preflights are answered by the origin policy, before authentication.
  app.options(path, async (_request, reply) => reply.status(204).send());

  app.post(path, async (request, reply) => {
    const auth = request.auth!;
    // MCP 2026-07-28 "Scope Challenge Handling": the challenge names what this request needs, all
    // of it at once; the client adds it to what it holds when it asks again.
    const needed = scopesNeeded(request.body);
    const missing = needed.filter((scope) => !auth.scopes.includes(scope));
    if (missing.length > 0) {
      const description = `this request needs the ${missing.join(' and ')} scope${missing.length > 1 ? 's' : ''}`;
      return reply
        .status(403)
        .header(
          'www-authenticate',
          bearerChallenge({ resourceMetadata, scope: needed, error: 'insufficient_scope', description }),
        )
        .send({ error: 'insufficient_scope', error_description: description });
    }

    const call = fastToolCalls ? fastToolCall(request.body, request.headers, auth.scopes) : undefined;
    if (call) {
      const answer = await answerToolCall(call, { db, auth, driver, enclaveQuota });
      // A Buffer, so the content type stays exactly the SDK's, without a charset.
      return reply.header('content-type', 'application/json').send(Buffer.from(JSON.stringify(answer)));
    }

    const server = createMcpServer({ db, auth, driver, enclaveQuota });
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    reply.hijack();
    // The SDK hands `req.auth` to tool handlers as `extra.authInfo`.
    Object.assign(request.raw, { auth });
    await server.connect(transport);
    await transport.handleRequest(request.raw, reply.raw, request.body);
  });

  // Stateless: there is no stream to resume and no session to end.
  for (const method of ['GET', 'DELETE'] as const) {
    app.route({
      method,
      url: path,
      handler: async (_request, reply) =>
        reply
          .status(405)
          .header('allow', 'POST')
          .send({
            jsonrpc: '2.0',
            error: { code: -32000, message: 'Method not allowed: this server is stateless.' },
            id: null,
          }),
    });
  }
};

/** The scopes the `tools/call`s in this JSON-RPC body need, in the contract's order. */
function scopesNeeded(body: unknown): Scope[] {
  const messages = Array.isArray(body) ? body : [body];
  const needed = new Set<Scope>();
  for (const message of messages) {
    if (!isToolCall(message)) continue;
    const scope = TOOLS.find((t) => t.name === message.params.name)?.scope;
    if (scope) needed.add(scope);
  }
  return SCOPES.filter((scope) => needed.has(scope));
}

function isToolCall(message: unknown): message is { params: { name: string } } {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as { method?: unknown; params?: { name?: unknown } };
  return m.method === 'tools/call' && typeof m.params?.name === 'string';
}
