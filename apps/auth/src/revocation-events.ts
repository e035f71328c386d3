import type { RevocationSource } from './revocation.js';

/** One revoked connection, as the operator's log line and the metrics see it. */
export interface RevocationEvent {
  source: RevocationSource;
  grantId: string;
  clientId: string;
  workspaceId: string;
  userId: string;
  actorUserId?: string | null;
  detail?: string;
}

type Observer = (event: RevocationEvent) => void;
const observers = new Set<Observer>();

/**
 * Revocations start in many places (dashboard, API, policy, member removal, oidc-provider's own)
 * and all pass through `revokeGrants`, which reports here; the app that runs in this process logs
 * and counts them. Returns the unsubscribe.
 */
export function observeRevocations(observer: Observer): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

export function reportRevocation(event: RevocationEvent): void {
  for (const observer of observers) observer(event);
}
