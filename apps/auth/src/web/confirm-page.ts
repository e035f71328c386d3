import { html } from './html.js';
import { type RenderedPage, renderPage } from './page.js';
import { siteHeader } from './site-header.js';

/** The step between the first click on a destructive button and the act: names what goes and what follows. No script: the first click only gets here. */
export function confirmPage(p: {
  email: string;
  csrf: string;
  action: string;
  what: string;
  consequence: string;
  button: string;
  /** Where Cancel leads: the page the first click came from. */
  cancel: string;
  /** What the first form carried and the second must carry again (an app's client ID). */
  fields?: Record<string, string>;
}): RenderedPage {
  return renderPage({
    title: `${p.button}?`,
    content: html`${siteHeader({ email: p.email, csrf: p.csrf, current: '' })}
<h1>${p.button}?</h1>
<div class="confirm">
<p><strong>${p.what}</strong></p>
<p>${p.consequence}</p>
</div>
<div class="actions">
  <form method="post" action="${p.action}"><input type="hidden" name="csrf" value="${p.csrf}">${Object.entries(p.fields ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}<input type="hidden" name="confirm" value="yes"><button class="primary" type="submit">Yes, ${p.button.charAt(0).toLowerCase()}${p.button.slice(1)}</button></form>
  <a href="${p.cancel}">Cancel</a>
</div>`,
  });
}
