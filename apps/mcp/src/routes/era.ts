import { META_KEYS, SESSION_REVISIONS } from '../protocol/revisions.js';

/**
 * Whether a POST to the MCP endpoint is served the 2026-07-28 way (stateless, modern-era.ts) rather
 * than by the SDK with `initialize` sessions. Asked of every request before the fast path, so it
 * only looks at three fields.
 *
 * Modern: `server/discover`; a `_meta` naming a revision the SDK does not speak, or disagreeing
 * with the `MCP-Protocol-Version` header (which modern-era.ts then refuses); or, with no such
 * `_meta`, a header naming a revision the SDK does not speak (answered with the unsupported-version
 * error or the missing `_meta`); a batch holding a message whose `_meta` names such a revision
 * (refused there: the revision has no batches). Everything else, `initialize` and plain batches
 * included, stays with the SDK as before.
 */
export function servedAsModern(body: unknown, versionHeader: string | string[] | undefined): boolean {
  if (typeof body !== 'object' || body === null) return false;
  // 2026-07-28 has no batches: one that claims it is refused there, never served by the SDK.
  if (Array.isArray(body)) return body.some((message) => claimsModern(message));
  const { method, params } = body as { method?: unknown; params?: { _meta?: Record<string, unknown> } };
  if (method === 'server/discover') return true;
  const header = typeof versionHeader === 'string' ? versionHeader.trim() : undefined;
  const claimed = params?._meta?.[META_KEYS.protocolVersion];
  if (claimed !== undefined) {
    return !isSessionRevision(claimed) || (header !== undefined && header !== claimed);
  }
  return header !== undefined && !isSessionRevision(header);
}

function claimsModern(message: unknown): boolean {
  const claimed = (message as { params?: { _meta?: Record<string, unknown> } } | null)?.params?._meta?.[
    META_KEYS.protocolVersion
  ];
  return claimed !== undefined && !isSessionRevision(claimed);
}

function isSessionRevision(version: unknown): boolean {
  return typeof version === 'string' && SESSION_REVISIONS.includes(version);
}
