import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { META_KEYS, MODERN_ERRORS, SUPPORTED_REVISIONS } from '../protocol/revisions.js';
import { INSTRUCTIONS, SERVER_INFO } from '../server.js';
import type { ToolContext } from '../tools/define-tool.js';
import { toolsAllowed } from '../tools/index.js';
import { callTool, compiledTool } from './fast-tool-call.js';
import { refuseStandardHeaders } from './modern-headers.js';
import { headerMismatch, headerValue, type Refusal, unsupportedVersion } from './modern-refusals.js';
import { DISCOVER_TTL_MS, modernToolList, TOOLS_LIST_TTL_MS } from './modern-tools.js';

type Id = string | number;

/** What the route sends: an HTTP status and, unless 202, one JSON-RPC response. */
export interface ModernAnswer {
  status: number;
  message?: Record<string, unknown>;
}

const requestShape = z.object({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.string(), z.number().int()]),
  method: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
});

// 2026-07-28 basic/index "Per-request protocol fields": version and capabilities required, clientInfo a SHOULD.
const envelopeShape = z.looseObject({
  [META_KEYS.protocolVersion]: z.string(),
  [META_KEYS.clientCapabilities]: z.record(z.string(), z.unknown()),
  [META_KEYS.clientInfo]: z.looseObject({ name: z.string(), version: z.string() }).optional(),
});

const callParams = z.looseObject({
  name: z.string(),
  arguments: z.record(z.string(), z.unknown()).optional(),
});
const listParams = z.looseObject({ cursor: z.string().optional() });

/**
 * One request of the stateless revision 2026-07-28, after the route's authentication, scope and
 * rate-limit steps (the same for both eras). Checks run in the revision's order: JSON-RPC shape,
 * `_meta`, protocol version (header, then support), the standard headers, then the method.
 */
export async function answerModernRequest(
  body: Record<string, unknown> | unknown[],
  headers: IncomingHttpHeaders,
  ctx: ToolContext,
): Promise<ModernAnswer> {
  if (Array.isArray(body)) {
    // transports/streamable-http "Sending Messages" 4: one request or notification per POST.
    return refused(undefined, {
      status: 400,
      code: MODERN_ERRORS.invalidRequest,
      message: 'Invalid Request: a 2026-07-28 POST carries one JSON-RPC message, not a batch',
    });
  }
  // 2026-07-28 transports/streamable-http "Sending Messages" 5: a notification is accepted with 202;
  // the revision defines none a client sends over HTTP, so there is nothing to act on.
  if (!('id' in body) && typeof body.method === 'string') return { status: 202 };
  const parsed = requestShape.safeParse(body);
  if (!parsed.success) {
    const id = requestShape.shape.id.safeParse(body.id);
    return refused(id.success ? id.data : undefined, {
      status: 400,
      code: MODERN_ERRORS.invalidRequest,
      message: `Invalid Request: ${describe(parsed.error)}`,
    });
  }
  const request = parsed.data;
  const refusal = refuseEnvelope(request.params, headers) ?? refuseStandardHeaders(request, headers);
  if (refusal) return refused(request.id, refusal);
  return answerMethod(request.id, request.method, request.params ?? {}, ctx);
}

async function answerMethod(
  id: Id,
  method: string,
  params: Record<string, unknown>,
  ctx: ToolContext,
): Promise<ModernAnswer> {
  switch (method) {
    case 'server/discover':
      return result(id, {
        supportedVersions: SUPPORTED_REVISIONS,
        capabilities: { tools: {} },
        instructions: INSTRUCTIONS,
        ttlMs: DISCOVER_TTL_MS,
        cacheScope: 'public',
      });
    case 'tools/list': {
      const list = listParams.safeParse(params);
      if (!list.success)
        return inBandError(id, MODERN_ERRORS.invalidParams, `Invalid params: ${describe(list.error)}`);
      // No page is ever cut, so no cursor was ever handed out (server/utilities/pagination).
      if (list.data.cursor !== undefined)
        return inBandError(id, MODERN_ERRORS.invalidParams, 'Invalid cursor');
      // Filtered by the token's scopes, so only the same authorization context may reuse it.
      return result(id, {
        tools: modernToolList(ctx.auth.scopes),
        ttlMs: TOOLS_LIST_TTL_MS,
        cacheScope: 'private',
      });
    }
    case 'tools/call':
      return callModernTool(id, params, ctx);
    default:
      // Removed methods (initialize, ping, logging/setLevel, resources/subscribe…) and ones a tools
      // server never had: 404 with -32601 (transports/streamable-http "Protocol Version Header").
      return refused(id, {
        status: 404,
        code: MODERN_ERRORS.methodNotFound,
        message: `Method not found: ${method}`,
      });
  }
}

/** Same tools, checks and error results as the SDK era (fast-tool-call.ts), as a 2026-07-28 result. */
async function callModernTool(
  id: Id,
  params: Record<string, unknown>,
  ctx: ToolContext,
): Promise<ModernAnswer> {
  const call = callParams.safeParse(params);
  if (!call.success)
    return inBandError(id, MODERN_ERRORS.invalidParams, `Invalid params: ${describe(call.error)}`);
  const { name } = call.data;
  const tool = compiledTool(name);
  // server/tools "Error Handling": an unknown tool is a protocol error, not a tool result.
  if (!tool || !toolsAllowed(ctx.auth.scopes).includes(tool.definition)) {
    return inBandError(id, MODERN_ERRORS.invalidParams, `Unknown tool: ${name}`);
  }
  return result(id, { ...(await callTool({ tool, args: call.data.arguments }, ctx)) });
}

/**
 * The `_meta` every request carries, and the version it names against the `MCP-Protocol-Version`
 * header and the revisions we speak (basic/index "_meta", basic/versioning, transports
 * "Protocol Version Header").
 */
function refuseEnvelope(
  params: Record<string, unknown> | undefined,
  headers: IncomingHttpHeaders,
): Refusal | undefined {
  const header = headerValue(headers['mcp-protocol-version']);
  const meta = params?._meta;
  const claimed = isPlainObject(meta) ? meta[META_KEYS.protocolVersion] : undefined;
  // A client naming a revision only in the header (no `_meta` at all) is told what we speak.
  if (claimed === undefined && header !== undefined && !SUPPORTED_REVISIONS.includes(header)) {
    return unsupportedVersion(header);
  }
  const envelope = envelopeShape.safeParse(meta);
  if (!envelope.success) {
    return {
      status: 400,
      code: MODERN_ERRORS.invalidParams,
      message: `Invalid _meta: ${describe(envelope.error)}`,
    };
  }
  const version = envelope.data[META_KEYS.protocolVersion];
  if (header === undefined) {
    return headerMismatch(`the MCP-Protocol-Version header is missing; _meta names ${version}`);
  }
  if (header !== version) {
    return headerMismatch(
      `MCP-Protocol-Version header value '${header}' does not match _meta value '${version}'`,
    );
  }
  if (!SUPPORTED_REVISIONS.includes(version)) return unsupportedVersion(version);
  return undefined;
}

function result(id: Id, fields: Record<string, unknown>): ModernAnswer {
  return {
    status: 200,
    message: {
      jsonrpc: '2.0',
      id,
      result: { resultType: 'complete', ...fields, _meta: { [META_KEYS.serverInfo]: SERVER_INFO } },
    },
  };
}

function inBandError(id: Id, code: number, message: string): ModernAnswer {
  return { status: 200, message: { jsonrpc: '2.0', id, error: { code, message } } };
}

function refused(id: Id | undefined, { status, code, message, data }: Refusal): ModernAnswer {
  const error = data === undefined ? { code, message } : { code, message, data };
  return { status, message: { jsonrpc: '2.0', ...(id === undefined ? {} : { id }), error } };
}

function describe(error: z.ZodError): string {
  return error.issues
    .map((issue) =>
      issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message,
    )
    .join('; ');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
