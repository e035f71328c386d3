/** The process that holds an embedded data directory, as it describes itself. */
export interface Holder {
  pid: number;
  /** What it is, e.g. `pnpm start`. */
  purpose: string;
}

/**
 * Another process holds the embedded database. The message is the one line an operator sees
 * (`exitOnStartupError` prints it without a stack), so it says who holds it and what to do.
 */
export class DatabaseInUseError extends Error {
  override name = 'DatabaseInUseError';
  constructor(
    readonly dataDir: string,
    /** Undefined when the holder did not answer in time. */
    readonly holder: Holder | undefined,
  ) {
    const who = holder
      ? `process ${holder.pid} (${holder.purpose})`
      : 'another process (it did not say which)';
    super(`the embedded database in ${dataDir} is in use by ${who}: stop it first, or use DATABASE_URL`);
  }
}

/** The data directory cannot be locked at all; the message is one line naming DATA_DIR and why. */
export class DataDirLockError extends Error {
  override name = 'DataDirLockError';
}
