import { memberships, users, workspaces } from '@enclavia/db';
import { createTestDatabase, type TestDatabase } from '@enclavia/db/testing';
import { type EnclaveDriver, startLocalDriver } from '@enclavia/enclaves';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll } from 'vitest';
import type { VerifiedAuth } from '../src/auth/verify-access-token.js';
import { createMcpServer } from '../src/server.js';

export interface Person {
  userId: string;
  workspaceId: string;
  /** An MCP client connected to this server as this person, holding `scopes`. */
  client(scopes?: string[], limits?: { enclaveQuota?: number }): Promise<Client>;
}

const ALL = ['enclaves:read', 'enclaves:write', 'enclaves:destroy'];

/**
 * The tools behind a real MCP client and server, connected in memory, on a database of their own
 * and the local driver with fast timings. Authentication is what the verified token would say.
 */
export function useTools() {
  const context = {} as {
    database: TestDatabase;
    driver: EnclaveDriver;
    /** A user with a workspace they administer, or a member of another person's (`of`). */
    person(email: string, options?: { of?: Person; role?: 'admin' | 'member' }): Promise<Person>;
  };
  beforeAll(async () => {
    context.database = await createTestDatabase();
    context.driver = startLocalDriver({
      db: context.database.db,
      timings: { pullMs: 10, buildMs: 30, stopMs: 10, pollMs: 10 },
    });
    context.person = async (email, { of, role = 'admin' } = {}) => {
      const db = context.database.db;
      const [user] = await db.insert(users).values({ email }).returning();
      const workspace = of
        ? { id: of.workspaceId }
        : (
            await db
              .insert(workspaces)
              .values({ name: `${email}'s workspace` })
              .returning()
          )[0];
      await db.insert(memberships).values({ workspaceId: workspace!.id, userId: user!.id, role });
      return {
        userId: user!.id,
        workspaceId: workspace!.id,
        client: async (scopes = ALL, { enclaveQuota = 25 } = {}) => {
          const auth: VerifiedAuth = {
            token: 'in-memory',
            clientId: `client-of-${email}`,
            scopes,
            expiresAt: Math.floor(Date.now() / 1000) + 900,
            extra: { userId: user!.id, email, workspaceId: workspace!.id, grantId: 'g' },
          };
          const server = createMcpServer({ db, auth, driver: context.driver, enclaveQuota });
          const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
          await server.connect(serverSide);
          const client = new Client({ name: 'tool-test', version: '0' });
          await client.connect(clientSide);
          return client;
        },
      };
    };
  });
  afterAll(async () => {
    await context.driver?.close();
    await context.database?.close();
  });
  return context;
}

/** The structured result of a successful call, or the error text of a failed one. */
export async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
  // biome-ignore lint/suspicious/noExplicitAny: tests read the structured content they expect.
  return { isError: result.isError === true, text, data: result.structuredContent as any };
}
