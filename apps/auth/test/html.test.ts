import { expect, it } from 'vitest';
import { html } from '../src/web/html.js';

it('escapes everything interpolated, arrays included, but not nested templates', () => {
  const name = '<script>alert("x")</script>';
  const out = html`<p title="${name}">${[name, html`<b>${"'"}</b>`]}</p>`;
  expect(out.value).toBe(
    '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<b>&#39;</b></p>',
  );
});
