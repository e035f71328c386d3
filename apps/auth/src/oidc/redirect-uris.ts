/**
 * What a redirect URI is, by the scheme and host a browser will act on: the parsed URL, never the
 * raw text, so `HTTP://evil.example` is http and `java\tscript:` is javascript, as a browser sees
 * them. One set of rules for registration, client ID metadata documents, the workspace allowlist
 * and the consent page.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Schemes that name no app: they run script, read local files or go nowhere (a redirect there
 * would hand the code to the page or to nobody), or are the web's own, which mean something else
 * in a browser (`ws:`, `ftp:`). Matches oidc-provider's forbidden list and adds the latter.
 */
const NOT_AN_APP = new Set([
  'javascript:',
  'vbscript:',
  'data:',
  'blob:',
  'file:',
  'about:',
  'filesystem:',
  'view-source:',
  'ws:',
  'wss:',
  'ftp:',
]);

/** Where a redirect URI sends the browser back to. */
export type RedirectKind =
  /** https on a public host */
  | 'web'
  /** http on this device's loopback: an app listening on a port */
  | 'loopback'
  /** a private-use URI scheme (RFC 8252 §7.1), `cursor:`: the app on this device that claimed it */
  | 'app';

export function isLoopbackHost(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname);
}

export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && isLoopbackHost(url);
}

export function redirectKind(url: URL): RedirectKind | undefined {
  if (url.protocol === 'https:') return 'web';
  if (isLoopbackHttp(url)) return 'loopback';
  if (url.protocol === 'http:' || NOT_AN_APP.has(url.protocol)) return undefined;
  return 'app';
}

/** The redirect URI as a URL with a kind, or why it can never be one. */
export function parseRedirectUri(uri: string): { url: URL; kind: RedirectKind } | { problem: string } {
  const url = URL.parse(uri);
  if (!url) return { problem: `"${uri}" is not a valid URI` };
  // Whitespace and control characters are dropped or trimmed by URL parsers, so what was
  // registered would not be what the browser opens.
  if (/[\s\p{Cc}]/u.test(uri)) return { problem: `"${uri}" contains whitespace or control characters` };
  if (uri.includes('#')) return { problem: `"${uri}" must not have a fragment` };
  if (url.protocol === 'http:' && !isLoopbackHttp(url))
    return { problem: `"${uri}": http is only for localhost, 127.0.0.1 or [::1]; use https` };
  const kind = redirectKind(url);
  if (!kind) return { problem: `"${uri}": the ${url.protocol} scheme cannot be a redirect URI` };
  return { url, kind };
}

/**
 * Loopback redirect URIs match on any port, and `localhost`, `127.0.0.1` and `[::1]` are one
 * host; path and query must be equal.
 */
export function loopbackMatch(value: string, registered: readonly string[]): boolean {
  const url = URL.parse(value);
  if (!url || !isLoopbackHttp(url)) return false;
  const key = (u: URL) => `${u.pathname}${u.search}`;
  return registered.some((r) => {
    const allowed = URL.parse(r);
    return allowed !== null && isLoopbackHttp(allowed) && key(allowed) === key(url);
  });
}
