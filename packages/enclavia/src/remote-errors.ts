/** The deployment refused the token (HTTP 401 or 403), with what its `WWW-Authenticate` said. */
export class RemoteRefusal extends Error {
  constructor(
    readonly status: number,
    readonly error: string | undefined,
    readonly description: string | undefined,
  ) {
    super(`HTTP ${status}${error ? ` ${error}` : ''}${description ? `: ${description}` : ''}`);
    this.name = 'RemoteRefusal';
  }
}

/** The deployment could not be reached at all (DNS, refused connection, TLS). */
export class Unreachable extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach ${url} (${reason})`);
    this.name = 'Unreachable';
  }
}

/** The `error` and `error_description` of an RFC 6750 `WWW-Authenticate: Bearer …` header. */
export function bearerChallenge(header: string | null): { error?: string; description?: string } {
  if (!header) return {};
  const param = (name: string) => header.match(new RegExp(`${name}="((?:[^"\\\\]|\\\\.)*)"`))?.[1];
  const error = param('error');
  const description = param('error_description')?.replace(/\\(.)/g, '$1');
  return { ...(error ? { error } : {}), ...(description ? { description } : {}) };
}

/** Why a fetch failed before any answer: the innermost cause's code, e.g. ECONNREFUSED. */
export function networkReason(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause) current = current.cause;
  const code = (current as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  return current instanceof Error ? current.message : String(current);
}
