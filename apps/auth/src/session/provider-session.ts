import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Provider } from 'oidc-provider';

/**
 * Ends oidc-provider's sign-in session of this browser (its `_session` cookie, `SESSION_TTL`), so
 * the next authorization here asks who is signing in instead of going straight to consent as the
 * previous user. Grants and their refresh tokens are not tied to this session and stay.
 */
export async function endProviderSession(
  provider: Provider,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const name = provider.cookieName('session');
  // Read the way oidc-provider reads it (lib/models/session.js): signed with its cookie keys, so a
  // forged id ends nothing.
  const id = provider.createContext(request.raw, reply.raw).cookies.get(name, { signed: true });
  if (id) await (await provider.Session.find(id))?.destroy();
  // Through Fastify, which writes its own Set-Cookie headers over any set on the raw response.
  for (const cookie of [name, `${name}.sig`]) reply.clearCookie(cookie, { path: '/' });
}
