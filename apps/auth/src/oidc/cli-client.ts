import type { FastifyInstance } from 'fastify';
import type { ClientMetadata } from 'oidc-provider';

/** Where the deployment publishes the `enclavia` CLI's client ID metadata document. */
export const CLI_CLIENT_PATH = '/clients/enclavia-cli';

/**
 * The `enclavia` CLI's client ID metadata document: its client ID is this document's own URL on the
 * deployment, so every deployment knows the CLI without a registration. A native app: it listens on
 * 127.0.0.1 at whatever port is free (loopback redirects match on any port, RFC 8252 §7.3).
 */
export function cliClientMetadata(issuer: string): ClientMetadata {
  return {
    client_id: `${issuer}${CLI_CLIENT_PATH}`,
    client_name: 'Enclavia CLI',
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    application_type: 'native',
  };
}

/**
 * Serves the document for the CLI to find. The provider knows it as a built-in client
 * (provider.ts), so its own document is never fetched over HTTP, and it works on plain-http
 * loopback deployments where a fetched document would be refused.
 */
export function serveCliClientMetadata(app: FastifyInstance, issuer: string): void {
  const document = cliClientMetadata(issuer);
  app.get(CLI_CLIENT_PATH, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=3600').send(document),
  );
}
