/** What an enclave can be created with. Stated once, here; the tools' descriptions quote it. */
export const INSTANCE_TYPES = {
  'enclave.small': { vcpus: 2, memoryGiB: 4 },
  'enclave.medium': { vcpus: 4, memoryGiB: 8 },
  'enclave.large': { vcpus: 8, memoryGiB: 16 },
  'enclave.xlarge': { vcpus: 16, memoryGiB: 32 },
} as const;
export type InstanceType = keyof typeof INSTANCE_TYPES;
export const INSTANCE_TYPE_NAMES = Object.keys(INSTANCE_TYPES) as [InstanceType, ...InstanceType[]];
export const DEFAULT_INSTANCE_TYPE: InstanceType = 'enclave.small';

const GiB = 1024 ** 3;
export const STORAGE_BYTES = { min: GiB, max: 1024 * GiB, default: 10 * GiB } as const;
export const DEFAULT_CONTAINER_PORT = 8080;
