import { personalAccessTokenRevocationKey } from '@enclavia/contract';
import {
  and,
  type Database,
  eq,
  gt,
  hashSecret,
  isNull,
  memberships,
  personalAccessTokens,
  sql,
  users,
  workspacePolicies,
} from '@enclavia/db';
import { createRefusedTokens } from './refused-tokens.js';
import { InvalidTokenError, idsOf, type VerifiedAuth } from './verify-access-token.js';

interface Entry {
  auth: Omit<VerifiedAuth, 'token'>;
  id: string;
  loadedAt: number;
}

const NOT_VALID =
  'the personal access token is not valid: it is unknown, expired, revoked, or no longer allowed in its workspace';

/**
 * Personal access tokens, checked against the database once and then remembered for
 * `cacheSeconds`: a client making many calls costs one query a minute, not one per request.
 * A revocation (by its owner, by removing the member, by the workspace turning tokens off) comes
 * through the revocation list at once, like a grant's.
 *
 * A token the database does not accept is remembered as refused for `negativeCacheSeconds`, so
 * sending it again costs no query. That cannot refuse a good token: a token is random and shown
 * once when it is made, so a string unknown now never becomes valid later, and every other
 * reason to refuse one (revoked, expired, its owner disabled or removed, tokens turned off in the
 * workspace) is final, since each revokes the token for good.
 */
export function createPersonalAccessTokenVerifier(options: {
  db: Database;
  isRevoked: (key: string) => boolean;
  cacheSeconds?: number;
  negativeCacheSeconds?: number;
  maxEntries?: number;
}) {
  const { db, isRevoked, cacheSeconds = 60, negativeCacheSeconds = 30, maxEntries = 10_000 } = options;
  const cache = new Map<string, Entry>();
  const refused = createRefusedTokens({ seconds: negativeCacheSeconds, maxEntries });

  const load = async (hash: string): Promise<Entry | undefined> => {
    const [row] = await db
      .select({
        id: personalAccessTokens.id,
        userId: personalAccessTokens.userId,
        workspaceId: personalAccessTokens.workspaceId,
        scope: personalAccessTokens.scope,
        expiresAt: personalAccessTokens.expiresAt,
        email: users.email,
        enabled: workspacePolicies.personalAccessTokensEnabled,
      })
      .from(personalAccessTokens)
      .innerJoin(users, eq(users.id, personalAccessTokens.userId))
      // Only while its owner is still a member of the workspace.
      .innerJoin(
        memberships,
        and(
          eq(memberships.userId, personalAccessTokens.userId),
          eq(memberships.workspaceId, personalAccessTokens.workspaceId),
        ),
      )
      .leftJoin(workspacePolicies, eq(workspacePolicies.workspaceId, personalAccessTokens.workspaceId))
      .where(
        and(
          eq(personalAccessTokens.tokenHash, hash),
          isNull(users.disabledAt),
          isNull(personalAccessTokens.revokedAt),
          gt(personalAccessTokens.expiresAt, sql`now()`),
        ),
      );
    if (!row || row.enabled === false) return undefined;
    // "Last used" is written when the token is loaded, at most once per cache period.
    void db
      .update(personalAccessTokens)
      .set({ lastUsedAt: new Date() })
      .where(eq(personalAccessTokens.id, row.id))
      .catch(() => undefined);
    return {
      id: row.id,
      loadedAt: Date.now(),
      auth: {
        clientId: `personal-access-token:${row.id}`,
        // The workspace's current ceiling is applied on every request (workspace-policy.ts).
        scopes: row.scope.split(' '),
        expiresAt: Math.floor(row.expiresAt.getTime() / 1000),
        extra: {
          userId: row.userId,
          email: row.email,
          workspaceId: row.workspaceId,
          grantId: personalAccessTokenRevocationKey(row.id),
        },
      },
    };
  };

  return async function verifyPersonalAccessToken(token: string): Promise<VerifiedAuth> {
    const hash = hashSecret(token);
    let entry = cache.get(hash);
    if (!entry || Date.now() - entry.loadedAt > cacheSeconds * 1000) {
      cache.delete(hash);
      if (refused.has(hash)) throw new InvalidTokenError(NOT_VALID);
      entry = await load(hash);
      if (!entry) {
        refused.add(hash);
        throw new InvalidTokenError(NOT_VALID);
      }
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
      cache.set(hash, entry);
    }
    if (isRevoked(entry.auth.extra.grantId)) {
      cache.delete(hash);
      throw new InvalidTokenError('the personal access token was revoked', idsOf(entry.auth));
    }
    if (entry.auth.expiresAt * 1000 <= Date.now()) {
      cache.delete(hash);
      throw new InvalidTokenError('the personal access token expired', idsOf(entry.auth));
    }
    return { token, ...entry.auth };
  };
}
