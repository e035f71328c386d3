import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, expect, it } from 'vitest';

// Upgrading a deployment that has connections: migration 0009 lists every app already connected in
// a workspace among its apps, approved, so `unknown_clients: ask` later never cuts off one in use.
const folder = fileURLToPath(new URL('../drizzle/', import.meta.url));
const pg = new PGlite();
afterAll(() => pg.close());

async function apply(file: string) {
  const text = await readFile(`${folder}${file}`, 'utf8');
  for (const statement of text.split('--> statement-breakpoint'))
    if (statement.trim()) await pg.exec(statement);
}

it('lists the clients of existing grants once per workspace, approved, with how they identified themselves', async () => {
  const files = (await readdir(folder)).filter((f) => f.endsWith('.sql')).sort();
  const upgrade = files.findIndex((f) => f.startsWith('0009_'));
  expect(upgrade).toBeGreaterThan(0);
  for (const file of files.slice(0, upgrade)) await apply(file);

  await pg.exec(`
    insert into users (id, email) values ('00000000-0000-4000-8000-000000000001', 'a@example.com'),
      ('00000000-0000-4000-8000-000000000002', 'b@example.com');
    insert into workspaces (id, name) values ('00000000-0000-4000-8000-0000000000a1', 'Team');
    insert into grants (id, user_id, workspace_id, client_id, client_name, scope, redirect_uri, via, created_at, last_used_at) values
      ('g1', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000a1', 'dcr-1', 'Claude', 'enclaves:read', 'https://claude.ai/api/mcp/auth_callback', 'consent', '2026-11-01T00:00:00Z', '2026-11-20T00:00:00Z'),
      ('g2', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-0000000000a1', 'dcr-1', 'Claude', 'enclaves:read', 'https://claude.com/api/mcp/auth_callback', 'consent', '2026-11-05T00:00:00Z', null),
      ('g3', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000a1', 'https://app.example/client.json', 'Doc App', 'enclaves:read', null, 'consent', '2026-11-02T00:00:00Z', null),
      ('g4', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-0000000000a1', 'agent-1', 'Agent', 'enclaves:read', null, 'enterprise_idp', '2026-11-03T00:00:00Z', null);
  `);
  for (const file of files.slice(upgrade)) await apply(file);

  const { rows } = await pg.query<Record<string, unknown>>(
    `select client_id, client_name, identified_by, redirect_uris, status, first_seen_at, last_seen_at
       from workspace_clients order by client_id`,
  );
  expect(rows).toEqual([
    {
      client_id: 'agent-1',
      client_name: 'Agent',
      identified_by: 'enterprise_grant',
      redirect_uris: [],
      status: 'approved',
      first_seen_at: new Date('2026-11-03T00:00:00Z'),
      last_seen_at: new Date('2026-11-03T00:00:00Z'),
    },
    {
      client_id: 'dcr-1',
      client_name: 'Claude',
      identified_by: 'registration',
      redirect_uris: ['https://claude.ai/api/mcp/auth_callback', 'https://claude.com/api/mcp/auth_callback'],
      status: 'approved',
      first_seen_at: new Date('2026-11-01T00:00:00Z'),
      last_seen_at: new Date('2026-11-20T00:00:00Z'),
    },
    {
      client_id: 'https://app.example/client.json',
      client_name: 'Doc App',
      identified_by: 'metadata_document',
      redirect_uris: [],
      status: 'approved',
      first_seen_at: new Date('2026-11-02T00:00:00Z'),
      last_seen_at: new Date('2026-11-02T00:00:00Z'),
    },
  ]);
  const policy = await pg.query(`select column_default from information_schema.columns
    where table_name = 'workspace_policies' and column_name = 'unknown_clients'`);
  expect(policy.rows).toEqual([{ column_default: "'allow'::text" }]);
});
