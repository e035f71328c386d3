/**
 * Runs `close` once on SIGINT or SIGTERM, then exits: Ctrl-C stops a server cleanly, with its
 * database closed (PGlite must be closed to keep its files consistent).
 */
export function closeOnSignal(close: () => Promise<void>): void {
  let closing = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    console.error(`\n${signal}: stopping…`);
    // A connection that will not close must not keep the process alive.
    setTimeout(() => process.exit(1), 10_000).unref();
    try {
      await close();
      process.exit(0);
    } catch (error) {
      console.error(error);
      process.exit(1);
    }
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * Errors whose message is all an operator needs: a bad configuration, an embedded database another
 * process holds. Known by name, because packages/db does not depend on this package.
 */
const OPERATOR_ERRORS = new Set(['ConfigError', 'DatabaseInUseError', 'DataDirLockError', 'ListenError']);

/** The last line of a main: an operator's error is its message alone, anything else a stack. */
export function exitOnStartupError(error: unknown): never {
  console.error(error instanceof Error && OPERATOR_ERRORS.has(error.name) ? error.message : error);
  process.exit(1);
}
