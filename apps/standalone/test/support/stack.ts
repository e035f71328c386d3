import { createServer } from 'node:net';
import type { AuthAppDeps } from '@enclavia/auth';
import type { DatabaseHandle } from '@enclavia/db';
import { createTestDatabase, type TestDatabase } from '@enclavia/db/testing';
import { afterAll, beforeAll } from 'vitest';
import { loadStandaloneConfig, type StandaloneConfig } from '../../src/config.js';
import { type RunningServices, startServices } from '../../src/start.js';

export interface Stack {
  issuer: string;
  mcpUrl: string;
  ports: { auth: number; mcp: number };
  config: StandaloneConfig;
  apps: RunningServices['apps'];
  close(): Promise<void>;
}

/** Both services on loopback ports of their own (ephemeral unless given, e.g. for a restart). */
export interface StackOptions {
  ports?: { auth: number; mcp: number };
  /** Outbound HTTP of the auth server (client ID metadata documents). */
  fetch?: AuthAppDeps['fetch'];
  /** More settings, e.g. upstream OAuth apps. */
  env?: Record<string, string>;
}

export async function startStack(
  database: Pick<DatabaseHandle, 'db' | 'listen'>,
  { ports, fetch, env }: StackOptions = {},
): Promise<Stack> {
  const { auth, mcp } = ports ?? { auth: await freePort(), mcp: await freePort() };
  const config = loadStandaloneConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    AUTH_PUBLIC_URL: `http://127.0.0.1:${auth}`,
    AUTH_PORT: String(auth),
    MCP_PUBLIC_URL: `http://127.0.0.1:${mcp}/mcp`,
    MCP_PORT: String(mcp),
    ...env,
  });
  const services = await startServices(config, database, fetch ? { fetch } : {});
  return {
    issuer: config.auth.issuer,
    mcpUrl: config.mcp.resource,
    ports: { auth, mcp },
    config,
    apps: services.apps,
    close: services.close,
  };
}

/** Ports this process was given: a port closed again can come back from the next ask. */
const handedOut = new Set<number>();

/**
 * A loopback port nothing listens on now, and never one given before in this process: the ports
 * of one stack (auth, MCP, a proxy) are asked for one after another, each closed before the next
 * ask, and the system may hand the same one out twice.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/**
 * Registers hooks that give this test file both services on a database of its own; the returned
 * object is filled in before the first test runs.
 */
export function useStack(options: Omit<StackOptions, 'ports'> = {}): {
  database: TestDatabase;
  stack: Stack;
} {
  const context = {} as { database: TestDatabase; stack: Stack };
  beforeAll(async () => {
    context.database = await createTestDatabase();
    context.stack = await startStack(context.database, options);
  });
  afterAll(async () => {
    await context.stack?.close();
    await context.database?.close();
  });
  return context;
}
