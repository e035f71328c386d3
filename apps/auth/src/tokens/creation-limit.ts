import type { RateLimitVerdict } from '@enclavia/access';

/**
 * Personal access tokens made per user per window, across the dashboard and /api/v1 alike: keyed
 * by the user, not the address, so colleagues behind one office address never share a budget.
 * Asked once the input is valid, so a mistyped form costs nothing.
 */
export type TokenCreationLimit = (userId: string) => RateLimitVerdict;

/** What a user who hit the limit reads, on the dashboard and in the API's `message`. */
export function tokenCreationRefused(verdict: RateLimitVerdict): string {
  return `Too many personal access tokens created; try again in ${verdict.retryAfter} s.`;
}
