/**
 * The one stylesheet of every page, inlined by nonce (no external assets). Colours are variables
 * so the light and dark schemes each keep text and links at 4.5:1 or more; under 600 px wide,
 * tables (class `stack`) turn into one card per row, each cell labelled by its column.
 */
export const STYLE = `
  *, *::before, *::after { box-sizing: border-box; }
  :root {
    color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.45;
    --bg: #ffffff; --fg: #1a1a1a; --muted: #545454; --line: #c4c4c4; --link: #1d4fc4;
    --primary: #1d4fc4; --on-primary: #ffffff; --focus: #1d4fc4;
    --ok: #1a7f37; --warn: #9a6700; --bad: #c21f1f; --code-bg: #f2f2f2;
  }
  @media (prefers-color-scheme: dark) {
    :root {
      --bg: #121212; --fg: #ececec; --muted: #b4b4b4; --line: #4a4a4a; --link: #8cb4ff;
      --primary: #3d6ee0; --on-primary: #ffffff; --focus: #8cb4ff;
      --ok: #3fb950; --warn: #d29922; --bad: #f85149; --code-bg: #232323;
    }
  }
  body { margin: 0; padding: 1rem; display: grid; place-items: center; min-height: 100vh; background: var(--bg); color: var(--fg); }
  main { width: min(30rem, 100%); padding: 2rem; border: 1px solid var(--line); border-radius: 12px; overflow-wrap: anywhere; }
  main:has(table), main.wide { width: min(62rem, 100%); }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
  h3 { font-size: 1rem; margin: 1.25rem 0 .5rem; }
  a { color: var(--link); }
  :focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
  label { display: block; margin: .75rem 0 .25rem; font-weight: 600; }
  input[type=email], input[type=text], input[type=search], input[type=url], select, textarea { width: 100%; padding: .5rem; font: inherit; color: inherit; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; }
  textarea { padding: .4rem; }
  fieldset { border: 0; padding: 0; margin: 1rem 0; min-width: 0; }
  legend { font-weight: 600; padding: 0; }
  fieldset label { font-weight: normal; margin: .35rem 0; }
  .actions { display: flex; flex-wrap: wrap; gap: .75rem; margin-top: 1.25rem; }
  button { font: inherit; padding: .55rem 1.1rem; border-radius: 8px; border: 1px solid var(--line); background: var(--bg); color: var(--fg); cursor: pointer; }
  button.primary { background: var(--primary); color: var(--on-primary); border-color: var(--primary); }
  button.danger { color: var(--bad); border-color: var(--bad); }
  button:disabled { opacity: 1; cursor: not-allowed; color: var(--muted); background: var(--bg); border-color: var(--line); }
  .warning, .error, .notice { padding: .6rem .8rem; border-radius: 8px; border: 1px solid; background: var(--bg); }
  .warning { border-color: var(--warn); border-left-width: 6px; }
  .error { border-color: var(--bad); border-left-width: 6px; }
  .notice { border-color: var(--ok); border-left-width: 6px; }
  .field-error { color: var(--bad); margin: .25rem 0 0; font-size: .92rem; }
  .muted { color: var(--muted); font-size: .9rem; }
  dl dt { font-weight: 600; margin-top: .4rem; }
  dl dd { margin: 0 0 0 1rem; }
  code, pre { font-family: ui-monospace, monospace; font-size: .9em; overflow-wrap: anywhere; }
  pre { background: var(--code-bg); padding: .6rem .8rem; border-radius: 8px; white-space: pre-wrap; word-break: break-all; }
  code.copy { display: block; background: var(--code-bg); padding: .5rem .7rem; border-radius: 6px; user-select: all; }
  header.top { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; justify-content: space-between; margin: 0 0 1rem; padding: 0 0 .75rem; border-bottom: 1px solid var(--line); }
  header.top .brand { font-weight: 700; }
  nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin: 0; padding: 0; }
  nav { margin: 0 0 1rem; }
  header.top nav { margin: 0; }
  nav a[aria-current=page] { font-weight: 700; text-decoration: none; }
  form.inline { display: inline; }
  ul.scopes { margin: 0; padding-left: 1.1rem; }
  .confirm { border: 1px solid var(--bad); border-radius: 8px; padding: .75rem 1rem; }
  td select { width: auto; }
  form.upstream { margin: .5rem 0; }
  form.upstream button { width: 100%; }
  .or { text-align: center; margin: 1rem 0 0; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
  th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
  @media (max-width: 480px) {
    body { padding: .5rem; }
    main { padding: 1.25rem 1rem; }
  }
  @media (max-width: 600px) {
    table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; width: 100%; }
    table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
    table.stack tr { border: 1px solid var(--line); border-radius: 8px; margin: 0 0 .75rem; padding: .25rem .5rem; }
    table.stack td { border: 0; padding: .25rem 0; }
    table.stack td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; }
    table.stack td button { width: 100%; }
  }
`;
