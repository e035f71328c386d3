import { createServer } from 'node:http';
import { users, workspaces } from '@enclavia/db';
import { createTestDatabase } from '@enclavia/db/testing';
import type { FastifyInstance } from 'fastify';
import { buildMcpApp, type McpAppDeps } from '../src/app.js';
import { loadMcpConfig } from '../src/config.js';
import { AUDIENCE, createTokenSigner, ISSUER } from './token-signer.js';

/**
 * The MCP server over HTTP on a database of its own, trusting the keys of a stand-in authorization
 * server, with one user in one workspace to sign access tokens for.
 */
export async function startHttpMcp(env: Record<string, string> = {}) {
  const database = await createTestDatabase();
  const signer = await createTokenSigner();
  const jwksServer = createServer((_req, res) => res.end(JSON.stringify(signer.jwks)));
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const { port } = jwksServer.address() as { port: number };
  const config = loadMcpConfig({
    NODE_ENV: 'test',
    AUTH_PUBLIC_URL: ISSUER,
    MCP_PUBLIC_URL: AUDIENCE,
    AUTH_JWKS_URL: `http://127.0.0.1:${port}/jwks`,
    ENCLAVE_DRIVER: 'none',
    ...env,
  });
  const [user] = await database.db.insert(users).values({ email: 'ada@example.com' }).returning();
  const [workspace] = await database.db.insert(workspaces).values({ name: 'Ada' }).returning();
  const apps: FastifyInstance[] = [];
  return {
    database,
    /** An access token for the user and workspace, with these scopes. */
    token: (scope: string) =>
      signer.sign({
        userId: user!.id,
        email: user!.email,
        workspaceId: workspace!.id,
        grantId: 'grant-1',
        scope,
      }),
    /** Starts a server (as many as asked, sharing the database); its MCP URL. */
    async serve(options: Pick<McpAppDeps, 'fastToolCalls'> = {}): Promise<string> {
      const app = await buildMcpApp({ config, db: database.db, listen: database.listen, ...options });
      apps.push(app);
      return `${await app.listen({ port: 0, host: '127.0.0.1' })}/mcp`;
    },
    async close() {
      for (const app of apps) await app.close();
      jwksServer.close();
      await database.close();
    },
  };
}
