import type { enclaves } from '@enclavia/db';

export type EnclaveState = (typeof enclaves.state.enumValues)[number];
export const ENCLAVE_STATES = [
  'pending',
  'building',
  'running',
  'stopping',
  'stopped',
  'failed',
  'destroyed',
] as const satisfies readonly EnclaveState[];

/**
 * The lifecycle: pending → building → running → stopping → stopped, `failed` on error, and
 * `destroyed` at the end. Stopping is asked for by a user; the rest is the runtime driver's.
 */
const NEXT: Record<EnclaveState, readonly EnclaveState[]> = {
  pending: ['building', 'stopping', 'failed', 'destroyed'],
  building: ['running', 'stopping', 'failed', 'destroyed'],
  running: ['stopping', 'failed', 'destroyed'],
  stopping: ['stopped', 'failed', 'destroyed'],
  stopped: ['destroyed'],
  failed: ['destroyed'],
  destroyed: [],
};

export function canTransition(from: EnclaveState, to: EnclaveState): boolean {
  return NEXT[from].includes(to);
}
