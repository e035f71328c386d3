import { ENCLAVE_STATES, listEnclaves } from '@enclavia/enclaves';
import { z } from 'zod';
import { defineTool, structured } from './define-tool.js';

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
    return structured({
      enclaves: rows.map((e) => ({
        id: e.id,
        name: e.name,
        image: e.image,
        instance_type: e.instanceType,
        state: e.state,
        created_at: e.createdAt.toISOString(),
      })),
    });
  },
});
