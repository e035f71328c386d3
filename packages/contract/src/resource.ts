/**
 * The canonical resource URI of the MCP server: no fragment, no query, no trailing slash, lowercase
 * scheme and host (MCP authorization, "Canonical Server URI"). Everything that compares it (PRM
 * `resource`, the `resource` parameter, the JWT `aud`) uses this one spelling.
 */
export function canonicalResource(url: string | URL): string {
  const u = new URL(url);
  u.hash = '';
  u.search = '';
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.protocol}//${u.host}${path}`;
}

/** The spellings of the resource that real clients send and that still mean the canonical one. */
export function resourceAliases(resource: string): Set<string> {
  const origin = new URL(resource).origin;
  return new Set([resource, `${resource}/`, origin, `${origin}/`]);
}

/** RFC 9728 §3.1: the protected resource metadata URL of a resource, path form. */
export function protectedResourceMetadataUrl(resource: string): string {
  const u = new URL(resource);
  const path = u.pathname === '/' ? '' : u.pathname;
  return `${u.origin}/.well-known/oauth-protected-resource${path}`;
}
