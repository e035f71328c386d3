import { auditLogList } from './audit-log-list.js';
import type { ToolDefinition } from './define-tool.js';
import { enclaveCreate } from './enclave-create.js';
import { enclaveDestroy } from './enclave-destroy.js';
import { enclaveList } from './enclave-list.js';
import { enclaveLogs } from './enclave-logs.js';
import { enclaveStatus } from './enclave-status.js';
import { enclaveStop } from './enclave-stop.js';
import { mcpWhoami } from './mcp-whoami.js';

// biome-ignore lint/suspicious/noExplicitAny: each tool keeps its own input and output types.
export const TOOLS: ReadonlyArray<ToolDefinition<any, any>> = [
  mcpWhoami,
  enclaveList,
  enclaveStatus,
  enclaveLogs,
  enclaveCreate,
  enclaveStop,
  enclaveDestroy,
  auditLogList,
];

export function toolsAllowed(scopes: readonly string[]) {
  return TOOLS.filter((t) => t.scope === null || scopes.includes(t.scope));
}
