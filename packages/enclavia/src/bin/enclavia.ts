#!/usr/bin/env node
import { CliError, runMain } from '../errors.js';
import { ENCLAVIA_HELP } from '../help.js';
import { VERSION } from '../version.js';

runMain('enclavia', async () => {
  const args = process.argv.slice(2);
  const [command] = args;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(ENCLAVIA_HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  throw new CliError(`unknown command "${command}"; see enclavia --help`, 2);
});
