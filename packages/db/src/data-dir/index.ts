export type { ControlCommand, ControlRegistry } from './control.js';
export { DatabaseInUseError, DataDirLockError, type Holder } from './errors.js';
export { type DataDirLock, lockDataDir } from './lock.js';
export { type HolderAnswer, runInHolder } from './run-in-holder.js';
