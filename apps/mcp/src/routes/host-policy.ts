import type { onRequestHookHandler } from 'fastify';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

/**
 * DNS rebinding, the Host half (the Origin half is origin-policy.ts): a page on an attacker's name
 * that resolves to this server still sends its own name as Host, so a request for a host that is
 * neither ours (the public URL's, and `MCP_ALLOWED_HOSTS`) nor loopback is refused with 403 before
 * anything else. Behind a trusted proxy, Fastify reads the host from `X-Forwarded-Host`.
 */
export function hostPolicy(allowedHosts: ReadonlySet<string>): onRequestHookHandler {
  // Host values seen and allowed: every request of a client names the same one, and parsing it as
  // a URL each time was a measurable share of a tool call. Bounded, since anyone can send any Host.
  const allowed = new Set<string>();
  // A callback hook, not an async one: no promise per request (docs/performance.md).
  return function checkHost(request, reply, done) {
    const value = request.host;
    if (allowed.has(value)) return done();
    const host = hostnameOf(value);
    if (host !== undefined && (LOOPBACK.has(host) || allowedHosts.has(host))) {
      if (allowed.size < 1000) allowed.add(value);
      return done();
    }
    reply.status(403).send({
      error: 'forbidden_host',
      error_description: `Host ${value || '(none)'} is not allowed`,
    });
  };
}

/** The name in a Host value, lower-case, without port or IPv6 brackets; undefined if there is none. */
export function hostnameOf(host: string | undefined): string | undefined {
  if (!host) return undefined;
  try {
    return new URL(`http://${host}`).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  } catch {
    return undefined;
  }
}
