import type { ListedApp } from './inventory.js';

/** An app as the API shows it. */
export function appJson(app: ListedApp) {
  return {
    client_id: app.clientId,
    name: app.clientName,
    identified_by: app.identifiedBy,
    redirect_uris: app.redirectUris,
    status: app.standing,
    first_seen: app.firstSeenAt.toISOString(),
    last_seen: app.lastSeenAt.toISOString(),
    requested_by: app.requestedByEmail,
    scope_ceiling: app.scopeCeiling,
    access_token_ttl: app.accessTokenTtl,
    refresh_token_ttl: app.refreshTokenTtl,
    users: app.users.map((u) => ({ user_id: u.userId, email: u.email, connections: u.connections })),
  };
}
