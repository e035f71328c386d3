import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendPage } from '../web/page.js';
import { homePage, notFoundHtmlPage } from './views.js';

/** A browser asks for HTML first; API clients, curl and MCP clients do not. */
export function wantsHtml(request: FastifyRequest): boolean {
  return /\btext\/html\b/.test(request.headers.accept ?? '');
}

/**
 * `/` and the answer to an unknown path, on the root instance: a page for a browser, and for
 * every other client the JSON 404 it has always had.
 */
export function homeRoutes(app: FastifyInstance, { mcpUrl }: { mcpUrl: string }): void {
  app.get('/', async (_request, reply) => sendPage(reply, homePage({ mcpUrl })));
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?', 1)[0]!;
    if (wantsHtml(request) && (request.method === 'GET' || request.method === 'HEAD'))
      return sendPage(reply, notFoundHtmlPage({ mcpUrl, path }), 404);
    return reply.status(404).send({
      message: `Route ${request.method}:${path} not found`,
      error: 'Not Found',
      statusCode: 404,
    });
  });
}
