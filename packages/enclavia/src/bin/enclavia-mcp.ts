#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { serveStdio } from '../commands/mcp.js';
import { CliError, runMain } from '../errors.js';
import { ENCLAVIA_MCP_HELP } from '../help.js';
import { VERSION } from '../version.js';

runMain('enclavia-mcp', async () => {
  const { values } = parseFlags();
  if (values.help) {
    process.stdout.write(ENCLAVIA_MCP_HELP);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (values.transport !== 'stdio') {
    throw new CliError(
      `--transport ${values.transport}: only stdio is offered here; for HTTP, connect your client to the deployment's MCP URL itself`,
      2,
    );
  }
  return serveStdio({ url: values.url });
});

function parseFlags() {
  try {
    return parseArgs({
      options: {
        transport: { type: 'string', default: 'stdio' },
        url: { type: 'string' },
        version: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}; see enclavia-mcp --help`, 2);
  }
}
