import { getEnclave } from '@enclavia/enclaves';
import { defineTool, structured } from './define-tool.js';
import { enclaveId, enclaveJson, enclaveShape } from './enclave-shape.js';

export const enclaveStatus = defineTool({
  name: 'enclave_status',
  title: 'Enclave status',
  description:
    'Shows one enclave in full: its state (pending, building, running, stopping, stopped, failed, destroyed), image, instance type, port, storage, measurement once built, and why it failed if it did. Call it again to watch a new enclave become running.',
  scope: 'enclaves:read',
  inputSchema: { id: enclaveId },
  outputSchema: { enclave: enclaveShape },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler({ id }, { db, auth }) {
    return structured({ enclave: enclaveJson(await getEnclave(db, auth.extra.workspaceId, id)) });
  },
});
