import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CliError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `parseArgs`, strict, with positionals; a mistake is a usage error (exit 2) naming the help to read. */
export function parseFlags<O extends Options>(args: string[], options: O, helpCommand: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message}; see ${helpCommand}`, 2);
  }
}
