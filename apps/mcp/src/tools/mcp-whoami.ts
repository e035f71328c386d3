import { type Database, eq, workspaces } from '@enclavia/db';
import { z } from 'zod';
import { defineTool, structured } from './define-tool.js';

export const mcpWhoami = defineTool({
  name: 'mcp_whoami',
  title: 'Who am I',
  description:
    'Shows who this connection acts for: the signed-in user, the workspace whose enclaves the tools see, the client, the granted scopes and when the access token expires. Call it when unsure which account or workspace is connected.',
  scope: null,
  inputSchema: {},
  outputSchema: {
    user: z.object({ id: z.string(), email: z.string() }),
    workspace: z.object({ id: z.string(), name: z.string().nullable() }),
    client_id: z.string(),
    scopes: z.array(z.string()),
    expires_at: z.string().describe('ISO 8601 time when the access token expires'),
  },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler(_input, { db, auth }) {
    const { userId, email, workspaceId } = auth.extra;
    return structured({
      user: { id: userId, email },
      workspace: { id: workspaceId, name: await workspaceName(db, workspaceId) },
      client_id: auth.clientId,
      scopes: auth.scopes,
      expires_at: new Date(auth.expiresAt * 1000).toISOString(),
    });
  },
});

async function workspaceName(db: Database, id: string): Promise<string | null> {
  const [row] = await db.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, id));
  return row?.name ?? null;
}
