export * from './catalog.js';
export { type EnclaveDriver, type LocalDriverTimings, startLocalDriver } from './driver.js';
export { EnclaveError, enclaveNotFound } from './errors.js';
export { type ImageReference, parseImageReference } from './image.js';
export { type EnclaveSummary, listEnclaves } from './queries.js';
export * from './service.js';
export { canTransition, ENCLAVE_STATES, type EnclaveState } from './states.js';
