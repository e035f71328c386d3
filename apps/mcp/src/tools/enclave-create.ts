import { createEnclave, DEFAULT_INSTANCE_TYPE, INSTANCE_TYPES, STORAGE_BYTES } from '@enclavia/enclaves';
import { z } from 'zod';
import { actorOf, defineTool, structured } from './define-tool.js';
import { enclaveJson, enclaveShape } from './enclave-shape.js';

const catalog = Object.entries(INSTANCE_TYPES)
  .map(([name, t]) => `${name} (${t.vcpus} vCPU, ${t.memoryGiB} GiB)`)
  .join(', ');

export const enclaveCreate = defineTool({
  name: 'enclave_create',
  title: 'Create an enclave',
  description:
    'Creates an enclave in the connected workspace from an OCI image the registry already has (push it there first, e.g. with docker push). It starts as "pending", then builds and runs; watch it with enclave_status and enclave_logs. On the command line: enclavia enclave create --image <image> --wait.',
  scope: 'enclaves:write',
  inputSchema: {
    image: z
      .string()
      .describe(
        'Full OCI image reference: registry/repository[:tag][@sha256:digest], e.g. ghcr.io/acme/api:1.4.2',
      ),
    instance_type: z.string().optional().describe(`One of ${catalog}; default ${DEFAULT_INSTANCE_TYPE}`),
    container_port: z
      .number()
      .optional()
      .describe('The port the container listens on, 1 to 65535; default 8080'),
    storage_size_bytes: z
      .number()
      .optional()
      .describe(
        `Storage in bytes, ${STORAGE_BYTES.min} (1 GiB) to ${STORAGE_BYTES.max} (1 TiB); default ${STORAGE_BYTES.default} (10 GiB)`,
      ),
    name: z.string().optional().describe('Optional label: 1-63 lowercase letters, digits and "-"'),
  },
  outputSchema: { enclave: enclaveShape },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(input, ctx) {
    const enclave = await createEnclave(ctx.db, {
      workspaceId: ctx.auth.extra.workspaceId,
      actor: actorOf(ctx),
      input,
      schedule: ctx.driver.schedule,
      quota: ctx.enclaveQuota,
    });
    ctx.driver.wake();
    return structured({ enclave: enclaveJson(enclave) });
  },
});
