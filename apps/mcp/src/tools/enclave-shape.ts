import { ENCLAVE_STATES, type Enclave } from '@enclavia/enclaves';
import { z } from 'zod';

/** How every tool shows an enclave. */
export const enclaveShape = z.object({
  id: z.string(),
  name: z.string().nullable(),
  image: z.string(),
  instance_type: z.string(),
  container_port: z.number(),
  storage_size_bytes: z.number(),
  state: z.enum(ENCLAVE_STATES),
  measurement: z.string().nullable().describe('PCR0 of the enclave image, once built'),
  failure_reason: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export function enclaveJson(e: Enclave): z.infer<typeof enclaveShape> {
  return {
    id: e.id,
    name: e.name,
    image: e.image,
    instance_type: e.instanceType,
    container_port: e.containerPort,
    storage_size_bytes: e.storageSizeBytes,
    state: e.state,
    measurement: e.measurement,
    failure_reason: e.failureReason,
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt.toISOString(),
  };
}

export const enclaveId = z.string().describe('The enclave id, as enclave_list or enclave_create returned it');
