import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { bearerChallenge } from '../auth/challenge.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export interface BrowserPageOptions {
  path: string;
  resource: string;
  issuer: string;
  resourceMetadata: string;
}

/**
 * Someone pasted the MCP URL into a browser (GET, asking for HTML, no token): a short page saying
 * what this URL is for and where to go, still with the 401 and its challenge so that nothing a
 * client relies on changes. Every other request goes on to authentication.
 */
export function browserPage({
  path,
  resource,
  issuer,
  resourceMetadata,
}: BrowserPageOptions): onRequestHookHandler {
  // A callback hook, not an async one: no promise per request (docs/performance.md).
  return function answerBrowser(request, reply, done) {
    if (request.method !== 'GET' || request.headers.authorization !== undefined) return done();
    if (request.url.split('?', 1)[0] !== path) return done();
    if (!/\btext\/html\b/.test(request.headers.accept ?? '')) return done();
    const nonce = randomBytes(16).toString('base64');
    reply
      .status(401)
      .headers({ 'www-authenticate': bearerChallenge({ resourceMetadata }), ...pageHeaders(nonce) })
      .send(page(nonce, escapeHtml(resource), escapeHtml(issuer)));
  };
}

/**
 * An unknown address on the MCP origin: a browser gets a page pointing to the MCP URL and the
 * authorization server; any other client keeps Fastify's JSON 404.
 */
export function notFoundPage({ resource, issuer }: { resource: string; issuer: string }) {
  return function answerNotFound(request: FastifyRequest, reply: FastifyReply) {
    const json = {
      message: `Route ${request.method}:${request.url.split('?', 1)[0]} not found`,
      error: 'Not Found',
      statusCode: 404,
    };
    if (request.method !== 'GET' || !/\btext\/html\b/.test(request.headers.accept ?? '')) {
      return reply.status(404).send(json);
    }
    const nonce = randomBytes(16).toString('base64');
    return reply
      .status(404)
      .headers(pageHeaders(nonce))
      .send(page(nonce, escapeHtml(resource), escapeHtml(issuer), true));
  };
}

function pageHeaders(nonce: string): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  };
}

function page(nonce: string, resource: string, issuer: string, notFound = false): string {
  const heading = notFound ? 'Page not found' : 'This is an MCP server address';
  const lead = notFound
    ? `There is nothing at this address. The MCP server's address is <code>${resource}</code>: paste it into Claude, Claude Code or another MCP client, which then asks you to sign in.`
    : `<code>${resource}</code> is for AI assistants, not for a browser: paste it into Claude, Claude Code or another MCP client, which then asks you to sign in.`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Enclavia MCP server</title>
<style nonce="${nonce}">
  *, *::before, *::after { box-sizing: border-box; }
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.45; --bg: #fff; --fg: #1a1a1a; --line: #c4c4c4; --link: #1d4fc4; }
  @media (prefers-color-scheme: dark) { :root { --bg: #121212; --fg: #ececec; --line: #4a4a4a; --link: #8cb4ff; } }
  body { margin: 0; padding: 1rem; display: grid; place-items: center; min-height: 100vh; background: var(--bg); color: var(--fg); }
  main { width: min(32rem, 100%); padding: 1.5rem; border: 1px solid var(--line); border-radius: 12px; overflow-wrap: anywhere; }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  a { color: var(--link); }
  code { font-family: ui-monospace, monospace; }
</style>
</head>
<body><main>
<h1>${heading}</h1>
<p>${lead}</p>
<p><a href="${issuer}/">How to connect</a> · <a href="${issuer}/dashboard">Dashboard</a></p>
</main></body>
</html>`;
}
