/** What each audit action means, in words, for the log's page and its filter. */
export const ACTION_WORDS: Record<string, string> = {
  'grant.approved': 'App connected',
  'grant.denied': 'Connection denied by the user',
  'grant.refused': 'Connection refused by the policy',
  'grant.revoked': 'Connected app revoked',
  'member.added': 'Member added',
  'member.invited': 'Member invited',
  'member.joined': 'Invited member joined',
  'member.removed': 'Member removed',
  'member.role_changed': 'Role changed',
  'invitation.cancelled': 'Invitation cancelled',
  'policy.updated': 'Policy changed',
  'token.created': 'Personal access token created',
  'token.revoked': 'Personal access token revoked',
  'user.disabled': 'User disabled',
  'client.requested': 'App approval requested',
  'client.approved': 'App approved',
  'client.blocked': 'App blocked',
  'client.limits_updated': 'App limits changed',
};

const FIELD_WORDS: Record<string, string> = {
  mcp_enabled: 'MCP integration',
  allowed_redirect_uris: 'Allowed redirect URIs',
  allowed_client_ids: 'Allowed OAuth client IDs',
  scope_ceiling: 'Scope ceiling',
  personal_access_tokens_enabled: 'Personal access tokens',
  access_token_ttl: 'Access token lifetime',
  refresh_token_ttl: 'Refresh token lifetime',
  refresh_tokens_enabled: 'Refresh tokens',
  role: 'Role',
  rule: 'Rule',
  value: 'Refused value',
  scope: 'Scopes',
  unknown_clients: 'Unknown apps',
  status: 'Status',
};

const show = (v: unknown): string => {
  if (v === null || v === undefined) return 'none';
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (Array.isArray(v)) return v.length ? v.map(String).join(', ') : 'none';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
};

const asRecord = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/**
 * What an entry changed, one line per field: lists as what was added and removed, everything else
 * as before → after. Fields that did not change are left out.
 */
export function changeInWords(before: unknown, after: unknown, action?: string): string[] {
  const b = asRecord(before);
  const a = asRecord(after);
  const lines: string[] = [];
  // An app's limit left empty is the workspace's, not none.
  const inherited = action === 'client.limits_updated';
  for (const key of [...new Set([...Object.keys(b), ...Object.keys(a)])]) {
    const name = FIELD_WORDS[key] ?? key;
    const was = b[key];
    const now = a[key];
    if (JSON.stringify(was) === JSON.stringify(now)) continue;
    if (inherited && (was === null || now === null)) {
      const say = (v: unknown) => (v === null ? "the workspace's" : show(v));
      lines.push(`${name}: ${say(was)} → ${say(now)}`);
    } else if (Array.isArray(was) || Array.isArray(now)) {
      const old = (Array.isArray(was) ? was : []).map(String);
      const next = (Array.isArray(now) ? now : []).map(String);
      const added = next.filter((x) => !old.includes(x));
      const removed = old.filter((x) => !next.includes(x));
      const parts = [
        ...(added.length ? [`added ${added.join(', ')}`] : []),
        ...(removed.length ? [`removed ${removed.join(', ')}`] : []),
      ];
      lines.push(`${name}: ${parts.join('; ') || show(now)}`);
    } else if (key in b && key in a) {
      lines.push(`${name}: ${show(was)} → ${show(now)}`);
    } else {
      lines.push(`${name}: ${show(key in a ? now : was)}`);
    }
  }
  return lines;
}
