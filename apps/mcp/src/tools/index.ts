import type { ToolDefinition } from './define-tool.js';
import { enclaveList } from './enclave-list.js';
import { mcpWhoami } from './mcp-whoami.js';

// biome-ignore lint/suspicious/noExplicitAny: each tool keeps its own input and output types.
export const TOOLS: ReadonlyArray<ToolDefinition<any, any>> = [mcpWhoami, enclaveList];

export function toolsAllowed(scopes: readonly string[]) {
  return TOOLS.filter((t) => t.scope === null || scopes.includes(t.scope));
}
