import type { FastifyRequest } from 'fastify';
import { type Html, html } from './html.js';
import { type RenderedPage, renderPage } from './page.js';

export interface SignInOption {
  id: string;
  label: string;
}

export interface SignInView {
  title: string;
  subtitle?: Html;
  csrf: string;
  devLogin: boolean;
  /** Where the development login posts. */
  devAction: string;
  upstream: SignInOption[];
  /** Where the upstream buttons' answers redirect: CSP `form-action` must allow them. */
  upstreamOrigins: string[];
  /** Carried through every form: the interaction to resume, or the page to return to. */
  hidden: Record<string, string>;
  error?: string;
  /** What was typed into "Email" before an error: shown again, not wiped. */
  email?: string;
}

/** The email a refused sign-in form carried, to show it back. */
export function typedEmail(request: FastifyRequest): string | undefined {
  const value = (request.body as Record<string, unknown> | undefined)?.email;
  return typeof value === 'string' ? value.slice(0, 254) : undefined;
}

/**
 * The sign-in page, for an OAuth authorization and for the dashboard alike: "Continue with
 * GitHub/Google" where configured, and the development login ("Email", "Continue") where on.
 */
export function signInPage(p: SignInView): RenderedPage {
  const hidden = [
    html`<input type="hidden" name="csrf" value="${p.csrf}">`,
    ...Object.entries(p.hidden).map(
      ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
    ),
  ];
  const upstream = p.upstream.map(
    (u) => html`<form class="upstream" method="post" action="/login/${u.id}">
  ${hidden}
  <button class="primary" type="submit">Continue with ${u.label}</button>
</form>`,
  );
  const dev = p.devLogin
    ? html`${p.upstream.length > 0 ? html`<p class="or muted">or, for development</p>` : ''}
<form method="post" action="${p.devAction}">
  ${hidden}
  <label for="email">Email</label>
  <input id="email" name="email" type="email" required autocomplete="email" autofocus${p.email ? html` value="${p.email}"` : ''}${p.error ? html` aria-invalid="true" aria-describedby="sign-in-error"` : ''}>
  <div class="actions"><button class="primary" type="submit">Continue</button></div>
</form>`
    : '';
  const nothing = !p.devLogin && p.upstream.length === 0;
  return renderPage({
    title: 'Sign in',
    formTargets: p.upstreamOrigins,
    content: html`<h1>${p.title}</h1>
${p.subtitle ?? ''}
${p.error ? html`<p class="error" id="sign-in-error" role="alert">${p.error}</p>` : ''}
${upstream}
${dev}
${nothing ? html`<p class="error">No way to sign in is configured on this server.</p>` : ''}`,
  });
}
