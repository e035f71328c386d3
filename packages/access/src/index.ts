export { createFailureLimiter, type FailureLimiter } from './failure-limit.js';
export { announcePolicy, type LivePolicies, startLivePolicies } from './live-policies.js';
export { type LiveState, startLiveState } from './live-state.js';
export { createRateLimiter, type RateLimiter, type RateLimitVerdict } from './rate-limit.js';
export { type RevocationList, startRevocationList } from './revocation-list.js';
export {
  DEFAULT_LIVE_POLICY,
  DEFAULT_POLICY,
  effectiveScopes,
  type LivePolicy,
  livePart,
  policyFromRow,
  policyTrustingIssuer,
  readPolicy,
  type WorkspacePolicy,
} from './workspace-policy.js';
