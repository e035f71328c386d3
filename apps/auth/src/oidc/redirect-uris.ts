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

/**
 * A loopback URI exactly as it may be written: lower-case `http://`, one of the three canonical
 * hosts, an optional numeric port, then path and query. `LOCALHOST`, `127.1`, `0x7f000001` or
 * `2130706433` also reach loopback once parsed, but are not what was registered.
 */
const CANONICAL_LOOPBACK = /^http:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?((?:[/?].*)?)$/s;

/** `.` or `..` as a path segment, plain or percent-encoded: parsers resolve them, so the path changes. */
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;

/** The text between `scheme://` and the path: where userinfo (`user@host`) would hide. */
function rawAuthority(uri: string): string | undefined {
  return /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(uri)?.[1];
}

/** The text after the scheme up to the query: the hierarchical part, as written. */
function rawPath(uri: string): string {
  return uri.replace(/^[a-z][a-z0-9+.-]*:/i, '').split(/[?#]/, 1)[0] ?? '';
}

/** The redirect URI as a URL with a kind, or why it can never be one. */
export function parseRedirectUri(uri: string): { url: URL; kind: RedirectKind } | { problem: string } {
  const url = URL.parse(uri);
  if (!url) return { problem: `"${uri}" is not a valid URI` };
  // Whitespace and control characters are dropped or trimmed by URL parsers, so what was
  // registered would not be what the browser opens.
  if (/[\s\p{Cc}]/u.test(uri)) return { problem: `"${uri}" contains whitespace or control characters` };
  // A browser reads `\` as `/` in http(s) URIs: the string compared would not be the one opened.
  if (uri.includes('\\')) return { problem: `"${uri}" must not contain a backslash` };
  if (uri.includes('#')) return { problem: `"${uri}" must not have a fragment` };
  if (rawAuthority(uri)?.includes('@')) return { problem: `"${uri}" must not have userinfo (user@host)` };
  if (DOT_SEGMENT.test(rawPath(uri))) return { problem: `"${uri}" must not have "." or ".." path segments` };
  if (url.protocol === 'http:' && !isLoopbackHttp(url))
    return { problem: `"${uri}": http is only for localhost, 127.0.0.1 or [::1]; use https` };
  if (isLoopbackHttp(url) && !CANONICAL_LOOPBACK.test(uri))
    return {
      problem: `"${uri}": write a loopback host as http://localhost, http://127.0.0.1 or http://[::1], in lower case`,
    };
  const kind = redirectKind(url);
  if (!kind) return { problem: `"${uri}": the ${url.protocol} scheme cannot be a redirect URI` };
  return { url, kind };
}

/**
 * A loopback URI without its port and with its host as one: the three canonical loopback hosts
 * are one host, and an app on loopback listens on whatever port it got (RFC 8252 §7.3).
 */
function loopbackKey(uri: string): string | undefined {
  const match = CANONICAL_LOOPBACK.exec(uri);
  return match ? `http://loopback${match[1]}` : undefined;
}

/**
 * Whether a presented redirect URI is one of the registered (or allowed) ones: the same string,
 * byte for byte, except that a loopback URI may carry any port and name any of the three loopback
 * hosts. A URI that could not be registered never matches. One rule for the authorization request,
 * the consent and the workspace allowlist.
 */
export function redirectUriMatches(value: string, registered: readonly string[]): boolean {
  if ('problem' in parseRedirectUri(value)) return false;
  if (registered.includes(value)) return true;
  const key = loopbackKey(value);
  return key !== undefined && registered.some((r) => loopbackKey(r) === key);
}
