import { createRequire } from 'node:module';

/**
 * The product's one version: the root package.json's. Read at run time relative to this file, so
 * the bundled start (which keeps `import.meta.url` pointing here) and tsx agree with the repository.
 */
export const VERSION: string = (
  createRequire(import.meta.url)('../../../package.json') as { version: string }
).version;

/** What our outbound HTTP says it is. */
export const USER_AGENT = `Enclavia/${VERSION}`;

/** True when the process was asked only for its version (`--version`); then it prints it. */
export function printVersionIfAsked(argv: readonly string[] = process.argv.slice(2)): boolean {
  if (!argv.includes('--version')) return false;
  process.stdout.write(`${VERSION}\n`);
  return true;
}
