import type { FastifyReply, FastifyRequest } from 'fastify';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

/**
 * DNS rebinding, the Host half (the Origin half is origin-policy.ts): a page on an attacker's name
 * that resolves to this server still sends its own name as Host, so a request for a host that is
 * neither ours (the public URL's, and `MCP_ALLOWED_HOSTS`) nor loopback is refused with 403 before
 * anything else. Behind a trusted proxy, Fastify reads the host from `X-Forwarded-Host`.
 */
export function hostPolicy(allowedHosts: ReadonlySet<string>) {
  return async function checkHost(request: FastifyRequest, reply: FastifyReply) {
    const host = hostnameOf(request.host);
    if (host !== undefined && (LOOPBACK.has(host) || allowedHosts.has(host))) return;
    return reply.status(403).send({
      error: 'forbidden_host',
      error_description: `Host ${request.host || '(none)'} is not allowed`,
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
