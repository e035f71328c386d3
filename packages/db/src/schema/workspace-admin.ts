import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users, workspaceRole, workspaces } from './identity.js';

/** An admin's invitation: it becomes a membership when that email first signs in. */
export const invitations = pgTable(
  'invitations',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** Lowercased. */
    email: text('email').notNull(),
    role: workspaceRole('role').notNull(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.email] }), index('invitations_email_idx').on(t.email)],
);

/** What a workspace's admins allow MCP clients to do there. One row per workspace. */
export const workspacePolicies = pgTable(
  'workspace_policies',
  {
    workspaceId: uuid('workspace_id')
      .primaryKey()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    mcpEnabled: boolean('mcp_enabled').notNull(),
    allowedRedirectUris: jsonb('allowed_redirect_uris').$type<string[]>().notNull(),
    /** Empty means any client. */
    allowedClientIds: jsonb('allowed_client_ids').$type<string[]>().notNull(),
    scopeCeiling: jsonb('scope_ceiling').$type<string[]>().notNull(),
    personalAccessTokensEnabled: boolean('personal_access_tokens_enabled').notNull().default(true),
    /** Lifetimes of tokens issued in this workspace, in seconds; null: the server's. Never above the server's. */
    accessTokenTtl: integer('access_token_ttl'),
    refreshTokenTtl: integer('refresh_token_ttl'),
    /** Off: connections get no refresh token and sign in again when their access token expires. */
    refreshTokensEnabled: boolean('refresh_tokens_enabled').notNull().default(true),
    /**
     * The issuer URL of the company's OpenID provider whose ID-JAGs this workspace accepts at the
     * token endpoint (enterprise-managed authorization); null: none. An issuer is trusted by at most
     * one workspace, or an assertion could not say which workspace it is for.
     */
    enterpriseIdpIssuer: text('enterprise_idp_issuer'),
    /** On: a user of the issuer whose verified email is new here becomes a member at first grant. */
    enterpriseJitMembership: boolean('enterprise_jit_membership').notNull().default(false),
    /** Set: only emails of this domain (lowercased, no `@`) may be connected through the issuer. */
    enterpriseEmailDomain: text('enterprise_email_domain'),
    /**
     * What happens to a client not yet in the workspace's apps: `allow` (listed as approved),
     * `ask` (listed as pending until an admin approves it) or `block`.
     */
    unknownClients: text('unknown_clients').$type<'allow' | 'ask' | 'block'>().notNull().default('allow'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('workspace_policies_enterprise_idp_issuer_key').on(t.enterpriseIdpIssuer)],
);

/**
 * The apps of a workspace: every client that asked to connect there, once, with the admins'
 * decision about it and its own limits. A client that never got as far as a consent is not here.
 */
export const workspaceClients = pgTable(
  'workspace_clients',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    clientId: text('client_id').notNull(),
    /** The name the client last gave. */
    clientName: text('client_name').notNull(),
    /** `registration`, `metadata_document` or `enterprise_grant`: how it first identified itself. */
    identifiedBy: text('identified_by')
      .$type<'registration' | 'metadata_document' | 'enterprise_grant'>()
      .notNull(),
    /** The redirect URIs it asked to return to, newest last. */
    redirectUris: jsonb('redirect_uris').$type<string[]>().notNull().default([]),
    status: text('status').$type<'approved' | 'blocked' | 'pending'>().notNull(),
    /** Set by an admin; null while the status is what the policy gave it at first contact. */
    decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** The member who last asked for it while it was pending. */
    requestedBy: uuid('requested_by').references(() => users.id, { onDelete: 'set null' }),
    /** The app's own limits, within the workspace's; null: the workspace's. */
    scopeCeiling: jsonb('scope_ceiling').$type<string[]>(),
    accessTokenTtl: integer('access_token_ttl'),
    refreshTokenTtl: integer('refresh_token_ttl'),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.clientId] }),
    // The client reaper asks whether any workspace lists a client.
    index('workspace_clients_client_idx').on(t.clientId),
  ],
);

/** Who changed what, when, from what to what. Written in the same transaction as the change. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: serial('id').primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** The acting OAuth client, when the change came through one (MCP tools). */
    actorClientId: text('actor_client_id'),
    /** The member the entry is about (whose app was approved or revoked, who was removed), for filtering. */
    subjectUserId: uuid('subject_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** The OAuth client the entry is about (approved, refused, revoked), for filtering. */
    clientId: text('client_id'),
    action: text('action').notNull(),
    target: text('target'),
    before: jsonb('before'),
    after: jsonb('after'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('audit_events_workspace_idx').on(t.workspaceId, t.createdAt),
    index('audit_events_subject_idx').on(t.workspaceId, t.subjectUserId),
  ],
);

/**
 * Grants revoked before their access tokens ran out. The MCP server keeps these ids in memory
 * (pushed by NOTIFY, resynced periodically) and refuses tokens of these grants; a row is useless
 * once every access token of its grant has expired.
 */
export const revokedGrants = pgTable(
  'revoked_grants',
  {
    grantId: text('grant_id').primaryKey(),
    reason: text('reason').notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('revoked_grants_expires_idx').on(t.expiresAt)],
);

/** A signed-in browser at the dashboard and admin pages. The id is stored hashed. */
export const webSessions = pgTable(
  'web_sessions',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('web_sessions_user_idx').on(t.userId)],
);
