import Fastify from 'fastify';
import { expect, it } from 'vitest';
import { countRequests, createServiceMetrics, serveMetrics } from '../src/index.js';

const TOKEN = 'a-metrics-token-of-enough-length';

async function appWithMetrics(config: { token?: string }) {
  const app = Fastify();
  const { registry } = createServiceMetrics('test', config);
  countRequests(app, registry);
  app.get('/items/:id', async () => ({ ok: true }));
  await serveMetrics(app, registry, { ...config, host: '127.0.0.1', hostSetting: 'H', portSetting: 'P' });
  return app;
}

it('serves /metrics on the service port behind the token when no listener port is set', async () => {
  const app = await appWithMetrics({ token: TOKEN });
  await app.inject({ url: '/items/secret-id-1?code=x' });
  expect((await app.inject({ url: '/metrics' })).statusCode).toBe(401);
  expect((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(
    401,
  );
  const scraped = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(scraped.statusCode).toBe(200);
  // The route pattern, never the URL with its ids.
  expect(scraped.body).toContain(
    'enclavia_http_requests_total{route="/items/:id",method="GET",status="200",service="test"} 1',
  );
  expect(scraped.body).not.toContain('secret-id-1');
  await app.close();
});

it('serves nothing without a token or a listener port', async () => {
  const app = await appWithMetrics({});
  expect((await app.inject({ url: '/metrics' })).statusCode).toBe(404);
  await app.close();
});
