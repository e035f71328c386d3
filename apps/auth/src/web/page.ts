import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { type Html, html } from './html.js';
import { STYLE } from './style.js';

export interface RenderedPage {
  body: string;
  headers: Record<string, string>;
}

/**
 * A whole page with its security headers. The CSP allows nothing but our inline style (by nonce)
 * and form posts to ourselves plus, where a form's answer redirects there, the client's origin.
 */
export function renderPage(options: {
  title: string;
  content: Html;
  formTargets?: string[];
  /** A page of tables or long text: wider on a desktop. */
  wide?: boolean;
}): RenderedPage {
  const nonce = randomBytes(16).toString('base64');
  const formAction = ["'self'", ...(options.formTargets ?? [])].join(' ');
  const body = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${options.title} · Enclavia</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body><main${options.wide ? html` class="wide"` : ''}>${options.content}</main></body>
</html>`.value;
  return {
    body,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': [
        "default-src 'none'",
        `style-src 'nonce-${nonce}'`,
        `form-action ${formAction}`,
        "frame-ancestors 'none'",
        "base-uri 'none'",
      ].join('; '),
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      // `same-origin`, not `no-referrer`: with the latter a browser posts forms with `Origin: null`.
      'referrer-policy': 'same-origin',
      'cache-control': 'no-store',
    },
  };
}

export function sendPage(reply: FastifyReply, page: RenderedPage, status = 200): FastifyReply {
  return reply.status(status).headers(page.headers).send(page.body);
}

export interface WayBack {
  href: string;
  label: string;
}

/** A failure as a page: what happened, what to do, and where possible a link to do it. */
export function errorPage(title: string, message: string, hint?: string, back?: WayBack): RenderedPage {
  return renderPage({
    title,
    content: html`<h1>${title}</h1><p class="error" role="alert">${message}</p>${hint ? html`<p class="muted">${hint}</p>` : ''}${
      back ? html`<p><a href="${back.href}">${back.label}</a></p>` : ''
    }`,
  });
}
