import { destroyEnclave } from '@enclavia/enclaves';
import { actorOf, defineTool, structured } from './define-tool.js';
import { enclaveId, enclaveJson, enclaveShape } from './enclave-shape.js';

export const enclaveDestroy = defineTool({
  name: 'enclave_destroy',
  title: 'Destroy an enclave',
  description:
    'Destroys an enclave for good, in whatever state it is: it stops if running and its storage is wiped. This cannot be undone. The enclave stays listed as "destroyed".',
  scope: 'enclaves:destroy',
  inputSchema: { id: enclaveId },
  outputSchema: { enclave: enclaveShape },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  async handler({ id }, ctx) {
    const enclave = await destroyEnclave(ctx.db, {
      workspaceId: ctx.auth.extra.workspaceId,
      id,
      actor: actorOf(ctx),
    });
    return structured({ enclave: enclaveJson(enclave) });
  },
});
