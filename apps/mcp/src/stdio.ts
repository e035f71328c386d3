import {
  type DatabaseHandle,
  DatabaseInUseError,
  DataDirLockError,
  openDatabase,
  readSecret,
} from '@enclavia/db';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JWK } from 'jose';
import { startTokenVerification } from './auth/token-verification.js';
import { InvalidTokenError } from './auth/verify-access-token.js';
import type { McpConfig } from './config.js';
import { startDriver } from './driver.js';
import { limitToolCalls } from './limits/enclave-create-limit.js';
import { createMcpServer } from './server.js';

/** Thrown before any protocol traffic; `main` prints the message as one line and exits with `exitCode`. */
export class StdioStartError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/**
 * `enclavia-mcp-server --transport stdio`: the same tools and checks as over HTTP, for one token
 * (`ENCLAVIA_TOKEN`), on this process's stdin and stdout. The token is verified against the
 * issuer's keys in the database before the first message, and again before every tool call.
 */
export async function runStdio(config: McpConfig): Promise<{ close(): Promise<void> }> {
  const token = config.stdioToken;
  if (!token) {
    throw new StdioStartError(
      'ENCLAVIA_TOKEN is not set: set it to a personal access token (create one at /dashboard) or an access token issued for this MCP server.',
      2,
    );
  }
  const database = await openDatabase({
    ...config.database,
    purpose: 'enclavia-mcp-server --transport stdio',
  }).catch((error) => {
    // Another process holds the embedded database: the host hears who, in one line.
    if (error instanceof DatabaseInUseError || error instanceof DataDirLockError) {
      throw new StdioStartError(error.message, 1);
    }
    throw error;
  });
  const cleanup: Array<() => Promise<void>> = [() => database.close()];
  const close = async () => {
    for (const step of cleanup.reverse()) await step();
  };
  try {
    const verify = await localVerifier(config, database, cleanup);
    const auth = await verify(token).catch((error) => {
      if (error instanceof InvalidTokenError)
        throw new StdioStartError(`ENCLAVIA_TOKEN is not accepted: ${error.message}.`, 1);
      throw error;
    });
    const driver = startDriver(config, database.db, (error) =>
      console.error('enclave driver step failed:', error),
    );
    cleanup.push(() => driver.close());
    const server = createMcpServer({
      db: database.db,
      auth,
      driver,
      enclaveQuota: config.enclaveQuota,
      limitCall: limitToolCalls(config.enclaveCreateLimit, auth),
      reauthorize: async () => {
        await verify(token);
      },
    });
    await server.connect(new StdioServerTransport());
    cleanup.push(() => server.close());
    return { close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function localVerifier(
  config: McpConfig,
  database: DatabaseHandle,
  cleanup: Array<() => Promise<void>>,
) {
  const signing = (await readSecret<JWK[]>(database.db, 'signing_keys')) ?? [];
  if (signing.length === 0) {
    throw new StdioStartError(
      'no signing keys in the database: start the authorization server once first.',
      1,
    );
  }
  const tokens = await startTokenVerification({
    db: database.db,
    listen: database.listen,
    issuer: config.issuer,
    audience: config.resource,
    keys: { jwks: { keys: signing.map(({ d: _private, ...publicKey }) => publicKey) } },
    resyncSeconds: config.revocationResyncSeconds,
    patNegativeCacheSeconds: config.patNegativeCacheSeconds,
  });
  cleanup.push(() => tokens.close());
  return tokens.verify;
}
