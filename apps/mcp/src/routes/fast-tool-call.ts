import type { IncomingHttpHeaders } from 'node:http';
import {
  type AnyObjectSchema,
  getParseErrorMessage,
  objectFromShape,
  safeParse,
  safeParseAsync,
} from '@modelcontextprotocol/sdk/server/zod-compat.js';
import {
  type CallToolResult,
  ErrorCode,
  McpError,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@modelcontextprotocol/sdk/types.js';
import { runTool } from '../server.js';
import type { ToolContext, ToolDefinition } from '../tools/define-tool.js';
import { TOOLS } from '../tools/index.js';

/**
 * `tools/call` answered without building an McpServer and a transport for the request.
 *
 * The SDK's stateless pattern builds both per request, and that costs several times more than
 * the tool itself (docs/performance.md). The common request, a single well-formed `tools/call`
 * of a tool the token may use, is served here with the SDK's own validation helpers and the
 * same answer the SDK would give (a test holds the two side by side). Anything else (batches,
 * other methods, unknown tools, task requests, odd headers) is left to the SDK.
 */
export interface ToolCallRequest {
  id: string | number;
  tool: CompiledTool;
  args: unknown;
}

export interface CompiledTool {
  // biome-ignore lint/suspicious/noExplicitAny: any tool.
  definition: ToolDefinition<any, any>;
  input: AnyObjectSchema;
  output: AnyObjectSchema;
  /**
   * Frozen structured contents this tool's output check passed: a tool that hands one frozen result
   * to many calls (enclave_list, for the calls answered by one read) has it checked once, since
   * the same check of a value that cannot change has the same outcome.
   */
  checked: WeakSet<object>;
}

// Compiled once, as McpServer.registerTool compiles them, not per request.
const COMPILED = new Map<string, CompiledTool>(
  TOOLS.map((definition) => [
    definition.name,
    {
      definition,
      input: objectFromShape(definition.inputSchema),
      output: objectFromShape(definition.outputSchema),
      checked: new WeakSet<object>(),
    },
  ]),
);

/** A tool with its input and output checks built, by name; undefined for a name we do not know. */
export function compiledTool(name: string): CompiledTool | undefined {
  return COMPILED.get(name);
}

/** The tool call this request is, if it is one the fast path serves; otherwise undefined. */
export function fastToolCall(
  body: unknown,
  headers: IncomingHttpHeaders,
  scopes: readonly string[],
): ToolCallRequest | undefined {
  if (!acceptsJson(headers)) return undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { jsonrpc, id, method, params } = body as Record<string, unknown>;
  if (jsonrpc !== '2.0' || method !== 'tools/call') return undefined;
  if (typeof id !== 'string' && !(typeof id === 'number' && Number.isInteger(id))) return undefined;
  if (!isPlainObject(params) || typeof params.name !== 'string' || 'task' in params) return undefined;
  if (params.arguments !== undefined && !isPlainObject(params.arguments)) return undefined;
  if (params._meta !== undefined && !isPlainObject(params._meta)) return undefined;
  const tool = COMPILED.get(params.name);
  if (!tool) return undefined;
  const { scope } = tool.definition;
  if (scope !== null && !scopes.includes(scope)) return undefined;
  return { id, tool, args: params.arguments };
}

/** Runs the call as the SDK's McpServer would: input checked, tool run, output checked. */
export async function answerToolCall(call: ToolCallRequest, ctx: ToolContext) {
  return { jsonrpc: '2.0' as const, id: call.id, result: await callTool(call, ctx) };
}

export async function callTool(
  { tool, args }: Pick<ToolCallRequest, 'tool' | 'args'>,
  ctx: ToolContext,
): Promise<CallToolResult> {
  const { name } = tool.definition;
  try {
    const checking = parse(tool.input, args ?? {});
    const input = checking instanceof Promise ? await checking : checking;
    if (!input.success) {
      return invalidParams(
        `Input validation error: Invalid arguments for tool ${name}: ${getParseErrorMessage(input.error)}`,
      );
    }
    const result = await runTool(tool.definition, input.data, ctx);
    if (result.isError) return result;
    if (!result.structuredContent) {
      return invalidParams(
        `Output validation error: Tool ${name} has an output schema but no structured content was provided`,
      );
    }
    const content = result.structuredContent;
    const frozen = Object.isFrozen(content);
    if (frozen && tool.checked.has(content)) return result;
    const checked = parse(tool.output, content);
    const output = checked instanceof Promise ? await checked : checked;
    if (!output.success) {
      return invalidParams(
        `Output validation error: Invalid structured content for tool ${name}: ${getParseErrorMessage(output.error)}`,
      );
    }
    if (frozen) tool.checked.add(content);
    return result;
  } catch (error) {
    return failed(error instanceof Error ? error.message : String(error));
  }
}

/** The JSON of a frozen result, made once however many answers carry it. */
const serializedResults = new WeakMap<CallToolResult, string>();

/**
 * The answer as `JSON.stringify(answer)` writes it, byte for byte. A frozen result (one a tool
 * hands to many calls) is serialized once and set into each answer with that answer's id.
 */
export function answerJson(answer: Awaited<ReturnType<typeof answerToolCall>>): string {
  const { result } = answer;
  if (!Object.isFrozen(result)) return JSON.stringify(answer);
  let json = serializedResults.get(result);
  if (json === undefined) {
    json = JSON.stringify(result);
    serializedResults.set(result, json);
  }
  return `{"jsonrpc":"2.0","id":${JSON.stringify(answer.id)},"result":${json}}`;
}

/**
 * The SDK's check (`safeParseAsync`), synchronously when the schema allows it: our schemas have no
 * asynchronous refinements, and the asynchronous parse cost several promises per call. zod throws
 * when a schema needs the asynchronous parse; that schema gets it, with the same result.
 */
function parse(schema: AnyObjectSchema, data: unknown) {
  try {
    return safeParse(schema, data);
  } catch {
    return safeParseAsync(schema, data);
  }
}

function failed(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/** What the SDK's McpServer says for a rejected input or output: its McpError, as a tool error. */
function invalidParams(message: string): CallToolResult {
  return failed(new McpError(ErrorCode.InvalidParams, message).message);
}

/** The transport's own header rules; a request that breaks one gets the SDK's answer. */
function acceptsJson(headers: IncomingHttpHeaders): boolean {
  const accept = headers.accept ?? '';
  if (!accept.includes('application/json') || !accept.includes('text/event-stream')) return false;
  if (!headers['content-type']?.includes('application/json')) return false;
  const version = headers['mcp-protocol-version'];
  return version === undefined || SUPPORTED_PROTOCOL_VERSIONS.includes(version as string);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
