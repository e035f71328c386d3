import { objectFromShape } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import { toJsonSchemaCompat } from '@modelcontextprotocol/sdk/server/zod-json-schema-compat.js';
import type { ToolDefinition } from '../tools/define-tool.js';
import { TOOLS, toolsAllowed } from '../tools/index.js';

/**
 * How long a client may keep a `tools/list` answer (2026-07-28 server/utilities/caching). The list
 * changes only with a deployment or with the token's scopes, and a new token is a new cache
 * ("private"), so five minutes costs nothing in freshness.
 */
export const TOOLS_LIST_TTL_MS = 300_000;

/** `server/discover` says the same to everyone; an hour, as the revision's example. */
export const DISCOVER_TTL_MS = 3_600_000;

/**
 * A tool as 2026-07-28 lists it: schemas in JSON Schema 2020-12, the revision's default dialect,
 * said explicitly (`$schema`); the SDK era keeps the SDK's draft-07.
 */
export interface ModernTool {
  name: string;
  title: string;
  description: string;
  inputSchema: Record<string, unknown> & { type: 'object' };
  outputSchema: Record<string, unknown>;
  annotations: ToolDefinition['annotations'];
}

// Built once: the schemas do not change while the process runs.
const LISTED = new Map<string, ModernTool>(TOOLS.map((tool) => [tool.name, modernTool(tool)]));

/** The tools this token's scopes allow, in the contract's fixed order (deterministic, as 2026-07-28 asks). */
export function modernToolList(scopes: readonly string[]): ModernTool[] {
  return toolsAllowed(scopes).map((tool) => LISTED.get(tool.name)!);
}

// biome-ignore lint/suspicious/noExplicitAny: any tool.
function modernTool(tool: ToolDefinition<any, any>): ModernTool {
  const schema = (shape: Record<string, unknown>, pipeStrategy: 'input' | 'output') =>
    toJsonSchemaCompat(objectFromShape(shape as never), { target: 'draft-2020-12', pipeStrategy }) as Record<
      string,
      unknown
    >;
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: { ...schema(tool.inputSchema, 'input'), type: 'object' },
    outputSchema: schema(tool.outputSchema, 'output'),
    annotations: tool.annotations,
  };
}
