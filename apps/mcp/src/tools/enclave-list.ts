import { ENCLAVE_STATES, type EnclaveSummary, listEnclaves } from '@enclavia/enclaves';
import { z } from 'zod';
import { defineTool } from './define-tool.js';

type Listed = { enclaves: Array<Record<string, string | null>> };

/**
 * The answer for a list as read, made once per read: the calls answered by one batched read of a
 * workspace (listEnclaves) get the same rows, and so the same structured content and text, which
 * cost more to build and pretty-print than the rest of the tool did per call.
 */
const answered = new WeakMap<readonly EnclaveSummary[], { content: Listed; text: string }>();

function answerFor(rows: readonly EnclaveSummary[]) {
  let answer = answered.get(rows);
  if (!answer) {
    const content: Listed = {
      enclaves: rows.map((e) => ({
        id: e.id,
        name: e.name,
        image: e.image,
        instance_type: e.instanceType,
        state: e.state,
        created_at: e.createdAt.toISOString(),
      })),
    };
    answer = { content, text: JSON.stringify(content, null, 2) };
    answered.set(rows, answer);
  }
  return answer;
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
    // As `structured` makes it, the text being the content as indented JSON; a new result per call.
    const { content, text } = answerFor(rows);
    return { content: [{ type: 'text', text }], structuredContent: content };
  },
});
