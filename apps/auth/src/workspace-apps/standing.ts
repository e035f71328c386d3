import type { UnknownClients, WorkspacePolicy } from '@enclavia/access';

export type AppStatus = 'approved' | 'blocked' | 'pending';
export type IdentifiedBy = 'registration' | 'metadata_document' | 'enterprise_grant';

/** What an app of the workspace holds that decides whether it may connect. */
export interface AppDecision {
  status: AppStatus;
  /** Set when an admin decided; null while the status is what the policy gave at first contact. */
  decidedAt: Date | null;
}

const FIRST_CONTACT: Record<UnknownClients, AppStatus> = {
  allow: 'approved',
  ask: 'pending',
  block: 'blocked',
};

type ClientRules = Pick<WorkspacePolicy, 'allowedClientIds' | 'unknownClients'>;

/**
 * Whether a client may connect in a workspace now. A non-empty allowed-client-IDs list is `block`
 * for every client not on it and approves those on it (unless an admin blocked one); otherwise the
 * app's status decides, and a client never seen (or still waiting) gets what `unknown_clients` says.
 */
export function appStanding(policy: ClientRules, app: AppDecision | undefined, clientId: string): AppStatus {
  if (policy.allowedClientIds.length > 0) {
    if (!policy.allowedClientIds.includes(clientId)) return 'blocked';
    return app?.decidedAt && app.status === 'blocked' ? 'blocked' : 'approved';
  }
  // Pending is waiting for an admin because the workspace asks; once it no longer asks, an app no
  // admin decided about gets what the workspace now says of apps it does not know.
  if (!app || (app.status === 'pending' && !app.decidedAt)) return FIRST_CONTACT[policy.unknownClients];
  return app.status;
}

/**
 * The status an app is listed with when it first asks: approved when the allowlist names it,
 * otherwise what `unknown_clients` says (the allowlist is checked on its own at every request, so
 * emptying it later leaves the apps it refused to `unknown_clients`).
 */
export function firstContactStatus(policy: ClientRules, clientId: string): AppStatus {
  if (policy.allowedClientIds.includes(clientId)) return 'approved';
  return FIRST_CONTACT[policy.unknownClients];
}

/** How a client identified itself: a metadata document's URL is its client ID. */
export function identifiedBy(clientId: string, via: 'consent' | 'enterprise_grant'): IdentifiedBy {
  if (via === 'enterprise_grant') return 'enterprise_grant';
  return /^https?:\/\//i.test(clientId) ? 'metadata_document' : 'registration';
}
