import { readFileSync } from 'node:fs';

/** This package's version: the product's, kept equal to the root package's (test/version.test.ts). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
