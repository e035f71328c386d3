import { VERSION } from '@enclavia/config';
import { EnclaveError } from '@enclavia/enclaves';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { InvalidTokenError } from './auth/verify-access-token.js';
import { type ToolContext, type ToolDefinition, toolError } from './tools/define-tool.js';
import { toolsAllowed } from './tools/index.js';
import { reportToolCall } from './tools/tool-call-events.js';

// Building an Ajv per server costs more than the rest of a request; one is shared (perf.md §3).
const validator = new AjvJsonSchemaValidator();

export const SERVER_INFO = { name: 'enclavia', title: 'Enclavia', version: VERSION };
export const INSTRUCTIONS = 'Manage Enclavia enclaves in the connected workspace. Start with enclave_list.';

/**
 * A server for one request, holding only the tools the token's scopes allow, so `tools/list`
 * shows exactly what may be called.
 */
export function createMcpServer(ctx: ToolContext): McpServer {
  const server = new McpServer(SERVER_INFO, {
    jsonSchemaValidator: validator,
    instructions: INSTRUCTIONS,
  });
  for (const tool of toolsAllowed(ctx.auth.scopes)) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema,
        annotations: tool.annotations,
      },
      (input: unknown) => runTool(tool, input, ctx),
    );
  }
  return server;
}

/** The one place a tool's domain error becomes a result the model can act on. */
export async function runTool(
  // biome-ignore lint/suspicious/noExplicitAny: any tool.
  tool: ToolDefinition<any, any>,
  input: unknown,
  ctx: ToolContext,
): Promise<CallToolResult> {
  try {
    await ctx.reauthorize?.();
    const refused = ctx.limitCall?.(tool.name);
    if (refused) {
      reportToolCall(tool.name, 'refused');
      return refused;
    }
    const result = await tool.handler(input as never, ctx);
    reportToolCall(tool.name, result.isError ? 'tool_error' : 'ok');
    return result;
  } catch (error) {
    reportToolCall(tool.name, error instanceof EnclaveError ? 'tool_error' : 'error');
    if (error instanceof EnclaveError) return toolError(error.message, error.hint);
    if (error instanceof InvalidTokenError) {
      return toolError(
        `ENCLAVIA_TOKEN is no longer accepted: ${error.message}.`,
        'Set a new token and restart enclavia-mcp-server.',
      );
    }
    throw error;
  }
}
