import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users, workspaces } from './identity.js';

/**
 * What a consent bound an oidc-provider Grant to: one user, one workspace, one client. Tokens read
 * their workspace from here; the dashboard lists connected apps from here.
 */
export const grants = pgTable(
  'grants',
  {
    /** oidc-provider's grant id. */
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    clientId: text('client_id').notNull(),
    /** The client's name as shown at consent, for the dashboard. */
    clientName: text('client_name'),
    scope: text('scope').notNull(),
    /**
     * The redirect URI the client used at consent, so that taking it off the workspace's allowlist
     * can revoke the grant. Null for grants made before it was recorded.
     */
    redirectUri: text('redirect_uri'),
    /**
     * How the grant was made: `consent` (a person approved it in the browser) or `enterprise_idp`
     * (an ID-JAG from the workspace's trusted company identity provider, no browser).
     */
    via: text('via').notNull().default('consent'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the grant last issued an access token (code exchange or refresh), not per MCP request. */
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [
    index('grants_user_idx').on(t.userId),
    index('grants_workspace_idx').on(t.workspaceId),
    // An authorization error of a client is a page until it has a grant: asked by anyone, per request.
    index('grants_client_idx').on(t.clientId),
  ],
);

/**
 * Personal access tokens: bearer tokens a user makes for one workspace and some scopes, for clients
 * without OAuth (mcp-remote --header, stdio). Only a hash of the token is kept, and its prefix.
 */
export const personalAccessTokens = pgTable(
  'personal_access_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The token's first characters, shown so people can tell their tokens apart. */
    prefix: text('prefix').notNull(),
    tokenHash: text('token_hash').notNull(),
    scope: text('scope').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('pats_token_hash_key').on(t.tokenHash), index('pats_user_idx').on(t.userId)],
);
