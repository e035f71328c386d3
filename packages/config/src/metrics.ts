import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import { z } from 'zod';
import { explainListenError } from './listen.js';

/** The bearer secret of `/metrics`; long enough that guessing it is not a plan. */
export const metricsToken = z.string().min(24, 'METRICS_TOKEN must be at least 24 characters').optional();

export interface MetricsConfig {
  /** A listener of its own for `/metrics`, on the service's host; unset: none. */
  port?: number;
  /**
   * Required as `Authorization: Bearer …` wherever `/metrics` is served; with it and no `port`,
   * the service's own port serves it.
   */
  token?: string;
}

/** The registry of one service, and the request counter every service has. */
export interface ServiceMetrics {
  registry: Registry;
  /** Whether anything serves the metrics: otherwise nothing is collected but our own counters. */
  exposed: boolean;
}

export function createServiceMetrics(service: string, config: MetricsConfig = {}): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  const exposed = config.port !== undefined || config.token !== undefined;
  if (exposed) collectDefaultMetrics({ register: registry });
  return { registry, exposed };
}

/**
 * Requests by route pattern, method and status. The route is Fastify's pattern
 * (`/interaction/:uid`), never the raw URL: a URL carries ids and codes, and a label per URL would
 * grow without bound. Counted when the answer is sent, so requests another handler takes over
 * (oidc-provider's, hijacked) count too, under `routeOf`'s name for them or `unmatched`. Register
 * it before such a handler.
 */
export function countRequests(
  app: FastifyInstance,
  registry: Registry,
  routeOf: (path: string) => string | undefined = () => undefined,
): void {
  const requests = new Counter({
    name: 'enclavia_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  app.addHook('onRequest', (request, reply, done) => {
    const route = request.routeOptions.url ?? routeOf(request.url.split('?', 1)[0]!) ?? 'unmatched';
    reply.raw.once('finish', () => {
      requests.inc({ route, method: request.method, status: String(reply.raw.statusCode) });
    });
    done();
  });
}

/**
 * Serves the registry at `/metrics`: on a listener of its own when `port` is set (bound to the
 * service's host; the service's public port then does not serve it), else on the service's port
 * when `token` is set. Wherever it is served a set token is required. Neither set: not served.
 */
export async function serveMetrics(
  app: FastifyInstance,
  registry: Registry,
  config: MetricsConfig & { host: string; portSetting: string; hostSetting: string },
): Promise<void> {
  const allowed = (authorization: string | undefined) =>
    config.token === undefined || bearerMatches(authorization, config.token);
  if (config.token !== undefined && config.port === undefined) {
    app.get('/metrics', async (request, reply) => {
      if (!allowed(request.headers.authorization)) {
        return reply.status(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized' });
      }
      return reply.header('content-type', registry.contentType).send(await registry.metrics());
    });
  }
  if (config.port === undefined) return;
  const server = createServer((request, response) => {
    void answerScrape(request, registry, allowed).then(({ status, type, body }) => {
      response.writeHead(status, { 'content-type': type }).end(body);
    });
  });
  await listen(server, config.host, config.port).catch((error: unknown) => {
    throw (
      explainListenError(error, {
        host: config.host,
        port: config.port!,
        portSetting: config.portSetting,
        hostSetting: config.hostSetting,
      }) ?? error
    );
  });
  app.addHook('onClose', () => new Promise<void>((resolve) => server.close(() => resolve())));
}

async function answerScrape(
  request: IncomingMessage,
  registry: Registry,
  allowed: (authorization: string | undefined) => boolean,
): Promise<{ status: number; type: string; body: string }> {
  if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics')
    return { status: 404, type: 'text/plain', body: 'Not found: metrics are at /metrics\n' };
  if (!allowed(request.headers.authorization))
    return { status: 401, type: 'text/plain', body: 'Unauthorized\n' };
  return { status: 200, type: registry.contentType, body: await registry.metrics() };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Compared as hashes, in constant time: neither the token's length nor its prefix leaks. */
function bearerMatches(authorization: string | undefined, token: string): boolean {
  const presented = authorization?.match(/^Bearer +(\S+) *$/i)?.[1] ?? '';
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(token));
}
