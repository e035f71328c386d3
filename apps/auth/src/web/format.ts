import { isScope, SCOPE_DESCRIPTIONS } from '@enclavia/contract';
import { type Html, html } from './html.js';

/** A moment as pages show it: minutes, in UTC, saying so (the server cannot know the reader's zone). */
export function when(d: Date | null): string {
  return d ? `${d.toISOString().replace('T', ' ').slice(0, 16)} UTC` : 'never';
}

/** An OAuth scope string as words, each with its code beside it. */
export function scopesInWords(scope: string): Html {
  const names = scope.split(' ').filter(Boolean);
  if (names.length === 0) return html`none`;
  return html`<ul class="scopes">${names.map(
    (s) => html`<li>${isScope(s) ? SCOPE_DESCRIPTIONS[s] : s} <code>${s}</code></li>`,
  )}</ul>`;
}
