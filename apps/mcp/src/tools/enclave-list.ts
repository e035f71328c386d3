import { ENCLAVE_STATES, type EnclaveSummary, listEnclaves } from '@enclavia/enclaves';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { defineTool } from './define-tool.js';

/**
 * The result for a list as read, made once per read and frozen: the calls answered by one batched
 * read of a workspace (listEnclaves) get the same rows, and so the same result, which cost more to
 * build, pretty-print, check and serialize than the rest of the tool did per call. Frozen, it
 * cannot change between the calls that share it, and the fast path checks and serializes it once
 * (fast-tool-call.ts).
 */
const answered = new WeakMap<readonly EnclaveSummary[], CallToolResult>();

function resultFor(rows: readonly EnclaveSummary[]): CallToolResult {
  let result = answered.get(rows);
  if (!result) {
    const enclaves = rows.map((e) =>
      Object.freeze({
        id: e.id,
        name: e.name,
        image: e.image,
        instance_type: e.instanceType,
        state: e.state,
        created_at: e.createdAt.toISOString(),
      }),
    );
    const content = Object.freeze({ enclaves: Object.freeze(enclaves) });
    // As `structured` makes it: the content, and the same as indented JSON text.
    const text = Object.freeze({ type: 'text' as const, text: JSON.stringify(content, null, 2) });
    result = Object.freeze({
      content: Object.freeze([text]),
      structuredContent: content,
    }) as unknown as CallToolResult;
    answered.set(rows, result);
  }
  return result;
}

export const enclaveList = defineTool({
  name: 'enclave_list',
  title: 'List enclaves',
  description:
    "Lists the enclaves of the connected workspace, newest first, with each one's id, name, image, instance type and state. Pass `state` to see only enclaves in that state, e.g. `running`. Use the ids with enclave_status, enclave_logs, enclave_stop and enclave_destroy.",
  scope: 'enclaves:read',
  inputSchema: {
    state: z.enum(ENCLAVE_STATES).optional().describe('Only list enclaves in this state'),
  },
  outputSchema: {
    enclaves: z.array(
      z.object({
        id: z.string(),
        name: z.string().nullable(),
        image: z.string(),
        instance_type: z.string(),
        state: z.enum(ENCLAVE_STATES),
        created_at: z.string(),
      }),
    ),
  },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler({ state }, { db, auth }) {
    const rows = await listEnclaves(db, auth.extra.workspaceId, state ? { state } : {});
    return resultFor(rows);
  },
});
