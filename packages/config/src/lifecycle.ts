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

/** The last line of a main: a bad configuration is one clear message, anything else a stack. */
export function exitOnStartupError(error: unknown): never {
  console.error(error instanceof Error && error.name === 'ConfigError' ? error.message : error);
  process.exit(1);
}
