import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { type Html, html } from './html.js';

const STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 0; display: grid; place-items: center; min-height: 100vh; background: Canvas; color: CanvasText; }
  main { width: min(26rem, 92vw); padding: 2rem; border: 1px solid #8884; border-radius: 12px; }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  label { display: block; margin: .75rem 0 .25rem; font-weight: 600; }
  input[type=email], input[type=text], select { width: 100%; box-sizing: border-box; padding: .5rem; font: inherit; }
  fieldset { border: 0; padding: 0; margin: 1rem 0; }
  fieldset label { font-weight: normal; margin: .35rem 0; }
  .actions { display: flex; gap: .75rem; margin-top: 1.25rem; }
  button { font: inherit; padding: .55rem 1.1rem; border-radius: 8px; border: 1px solid #8886; cursor: pointer; }
  button.primary { background: #2456d3; color: white; border-color: #2456d3; }
  .warning { padding: .6rem .8rem; border-radius: 8px; background: #f5a62322; border: 1px solid #f5a623; }
  .error { padding: .6rem .8rem; border-radius: 8px; background: #d3242422; border: 1px solid #d32424; }
  .muted { opacity: .75; font-size: .9rem; }
  code { overflow-wrap: anywhere; }
  a { color: #2456d3; }
  main:has(table) { width: min(60rem, 96vw); }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
  th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #8884; vertical-align: top; }
  textarea { width: 100%; box-sizing: border-box; font: inherit; padding: .4rem; }
  h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
  nav { margin: 0 0 1rem; }
  form.inline { display: inline; }
  td select { width: auto; }
  .notice { padding: .6rem .8rem; border-radius: 8px; background: #2ea04322; border: 1px solid #2ea043; }
  form.upstream { margin: .5rem 0; }
  form.upstream button { width: 100%; }
  .or { text-align: center; margin: 1rem 0 0; }
`;

export interface RenderedPage {
  body: string;
  headers: Record<string, string>;
}

/**
 * A whole page with its security headers. The CSP allows nothing but our inline style (by nonce)
 * and form posts to ourselves plus, where a form's answer redirects there, the client's origin.
 */
export function renderPage(options: { title: string; content: Html; formTargets?: string[] }): RenderedPage {
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
<body><main>${options.content}</main></body>
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
