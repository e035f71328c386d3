import { type Html, html } from './html.js';

export interface Column<Row> {
  /** The header, and the label of the cell when the table is shown as stacked cards on a phone. */
  label: string;
  /** Read only by screen readers: a column of buttons has no visible header. */
  hidden?: boolean;
  cell(row: Row): unknown;
}

/** A table that becomes one card per row under 600 px wide (see `table.stack` in the stylesheet). */
export function stackedTable<Row>(columns: Column<Row>[], rows: Row[], caption?: string): Html {
  return html`<table class="stack">${caption ? html`<caption class="visually-hidden">${caption}</caption>` : ''}
<thead><tr>${columns.map((c) => (c.hidden ? html`<th><span class="visually-hidden">${c.label}</span></th>` : html`<th>${c.label}</th>`))}</tr></thead>
<tbody>${rows.map(
    (row) =>
      html`<tr>${columns.map((c) => (c.hidden ? html`<td>${c.cell(row)}</td>` : html`<td data-label="${c.label}">${c.cell(row)}</td>`))}</tr>`,
  )}</tbody></table>`;
}
