import { stopEnclave } from '@enclavia/enclaves';
import { actorOf, defineTool, structured } from './define-tool.js';
import { enclaveId, enclaveJson, enclaveShape } from './enclave-shape.js';

export const enclaveStop = defineTool({
  name: 'enclave_stop',
  title: 'Stop an enclave',
  description:
    'Stops a pending, building or running enclave. It goes to "stopping" and then "stopped"; its storage is kept. A stopped enclave cannot be started again: destroy it with enclave_destroy when done.',
  scope: 'enclaves:write',
  inputSchema: { id: enclaveId },
  outputSchema: { enclave: enclaveShape },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  async handler({ id }, ctx) {
    const enclave = await stopEnclave(ctx.db, {
      workspaceId: ctx.auth.extra.workspaceId,
      id,
      actor: actorOf(ctx),
      schedule: ctx.driver.schedule,
    });
    ctx.driver.wake();
    return structured({ enclave: enclaveJson(enclave) });
  },
});
