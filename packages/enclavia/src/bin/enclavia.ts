#!/usr/bin/env node
import { authCommand } from '../commands/auth.js';
import { enclaveCommand } from '../commands/enclave.js';
import { serveStdio } from '../commands/mcp.js';
import { CliError, runMain } from '../errors.js';
import { parseFlags } from '../flags.js';
import { ENCLAVIA_HELP } from '../help.js';
import { VERSION } from '../version.js';

runMain('enclavia', async () => {
  const [command, ...rest] = process.argv.slice(2);
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(ENCLAVIA_HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (command === 'mcp') {
    const { values } = parseFlags(rest, { url: { type: 'string' } }, 'enclavia --help');
    return serveStdio(values);
  }
  if (command === 'auth') return authCommand(rest);
  if (command === 'enclave') return enclaveCommand(rest);
  throw new CliError(`unknown command "${command}"; see enclavia --help`, 2);
});
