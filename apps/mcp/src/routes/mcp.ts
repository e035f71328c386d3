import { SCOPES, type Scope } from '@enclavia/contract';
import type { Database } from '@enclavia/db';
import type { EnclaveDriver } from '@enclavia/enclaves';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { requireBearer } from '../auth/bearer.js';
import { bearerChallenge } from '../auth/challenge.js';
import type { VerifiedAuth } from '../auth/verify-access-token.js';
import {
  createEnclaveCreateLimiter,
  type EnclaveCreateLimit,
  RATE_LIMITED_TOOL,
  tooManyEnclaveCreates,
} from '../limits/enclave-create-limit.js';
import { createMcpServer } from '../server.js';
import { TOOLS } from '../tools/index.js';
import { browserPage } from './browser-page.js';
import { servedAsModern } from './era.js';
import { answerJson, answerToolCall, fastToolCall } from './fast-tool-call.js';
import { hostPolicy } from './host-policy.js';
import { answerModernRequest } from './modern-era.js';
import { originPolicy } from './origin-policy.js';

export interface McpRouteOptions {
  db: Database;
  driver: EnclaveDriver;
  enclaveQuota: number;
  enclaveCreateLimit: EnclaveCreateLimit;
  allowedOrigins: ReadonlySet<string>;
  /** Host names requests may name besides loopback (host-policy.ts). */
  allowedHosts: ReadonlySet<string>;
  path: string;
  resourceMetadata: string;
  /** For the page a browser gets at the MCP URL: the URL itself and the authorization server. */
  browser: { resource: string; issuer: string };
  verify: (token: string) => Promise<VerifiedAuth>;
  /** Serve plain `tools/call` requests without a per-request SDK server (fast-tool-call.ts). */
  fastToolCalls: boolean;
}

/** The Streamable HTTP endpoint, stateless: every request is authenticated and served on its own. */
export const mcpRoutes: FastifyPluginAsync<McpRouteOptions> = async (
  app,
  {
    db,
    driver,
    enclaveQuota,
    enclaveCreateLimit,
    allowedOrigins,
    allowedHosts,
    path,
    resourceMetadata,
    browser,
    verify,
    fastToolCalls,
  },
) => {
  const takeEnclaveCreate = createEnclaveCreateLimiter(enclaveCreateLimit);
  app.addHook('onRequest', hostPolicy(allowedHosts));
  app.addHook('onRequest', originPolicy(allowedOrigins));
  app.addHook('onRequest', browserPage({ path, resourceMetadata, ...browser }));
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

    // Before either path below (fast or SDK), so no tool runs for a request over the limit.
    for (let n = countToolCalls(request.body, RATE_LIMITED_TOOL); n > 0; n--) {
      const verdict = takeEnclaveCreate(auth);
      if (verdict.allowed) continue;
      const { message, hint } = tooManyEnclaveCreates(enclaveCreateLimit, verdict.retryAfter);
      return reply
        .status(429)
        .header('retry-after', String(verdict.retryAfter))
        .send({
          jsonrpc: '2.0',
          error: { code: -32000, message: `${message} ${hint}` },
          id: idOf(request.body),
        });
    }

    // After authentication, scopes and limits, so both eras share them; before the fast path, which
    // serves the SDK era only.
    if (servedAsModern(request.body, request.headers['mcp-protocol-version'])) {
      const ctx = { db, auth, driver, enclaveQuota };
      const answer = await answerModernRequest(
        request.body as Record<string, unknown> | unknown[],
        request.headers,
        ctx,
      );
      if (!answer.message) return reply.status(answer.status).send();
      return sendJson(reply.status(answer.status), JSON.stringify(answer.message));
    }

    const call = fastToolCalls ? fastToolCall(request.body, request.headers, auth.scopes) : undefined;
    if (call) {
      const answer = await answerToolCall(call, { db, auth, driver, enclaveQuota });
      return sendJson(reply, answerJson(answer));
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

const TOOL_SCOPES = new Map<string, Scope | null>(TOOLS.map((t) => [t.name, t.scope]));

/**
 * JSON with the content type exactly the SDK's, `application/json` without a charset: Fastify adds
 * one to a string it serializes itself, not to one a reply serializer returns. A string, not a
 * Buffer: no copy, and Node writes it in one piece with the headers.
 */
function sendJson(reply: FastifyReply, json: string): FastifyReply {
  return reply.header('content-type', 'application/json').serializer(asIs).send(json);
}

const asIs = (payload: unknown) => payload as string;

/** The scopes the `tools/call`s in this JSON-RPC body need, in the contract's order. */
function scopesNeeded(body: unknown): Scope[] {
  // One message, the usual request: no arrays or sets to build.
  if (!Array.isArray(body)) {
    const scope = isToolCall(body) ? TOOL_SCOPES.get(body.params.name) : undefined;
    return scope ? [scope] : [];
  }
  const messages = Array.isArray(body) ? body : [body];
  const needed = new Set<Scope>();
  for (const message of messages) {
    if (!isToolCall(message)) continue;
    const scope = TOOL_SCOPES.get(message.params.name);
    if (scope) needed.add(scope);
  }
  return SCOPES.filter((scope) => needed.has(scope));
}

function countToolCalls(body: unknown, name: string): number {
  if (!Array.isArray(body)) return isToolCall(body) && body.params.name === name ? 1 : 0;
  const messages = Array.isArray(body) ? body : [body];
  return messages.filter((message) => isToolCall(message) && message.params.name === name).length;
}

/** The JSON-RPC id of a single request, for an error answering it; null for a batch. */
function idOf(body: unknown): string | number | null {
  const id = (body as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

function isToolCall(message: unknown): message is { params: { name: string } } {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as { method?: unknown; params?: { name?: unknown } };
  return m.method === 'tools/call' && typeof m.params?.name === 'string';
}
