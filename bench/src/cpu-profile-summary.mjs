// Summarise a .cpuprofile: self time by function and by file, inclusive time for named functions.
import { readFileSync } from 'node:fs';

const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const filter = process.argv[3];
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const dt = new Map();
const lastSec = Number(process.env.LAST ?? 1e9);
let t = p.startTime;
const ts = p.timeDeltas.map((d) => (t += d));
const cutoff = p.endTime - lastSec * 1e6;
for (let i = 0; i < p.samples.length; i++) {
  if (ts[i] < cutoff) continue;
  dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
}
let total = 0;
for (const v of dt.values()) total += v;
const self = new Map(),
  file = new Map(),
  incl = new Map();
const short = (u) => u.replace(/.*node_modules\/\.pnpm\//, '').replace(/.*\/work\/perf\//, '');
for (const [id, t] of dt) {
  const n = byId.get(id);
  const cf = n.callFrame;
  const k = `${cf.functionName || '(anon)'} ${short(cf.url)}:${cf.lineNumber}`;
  self.set(k, (self.get(k) ?? 0) + t);
  const f = short(cf.url).split('/').slice(0, 2).join('/') || cf.functionName;
  file.set(f, (file.get(f) ?? 0) + t);
  // inclusive: walk up, counting each key once
  const seen = new Set();
  let cur = id;
  while (cur !== undefined) {
    const c = byId.get(cur).callFrame;
    const kk = `${c.functionName || '(anon)'} ${short(c.url)}:${c.lineNumber}`;
    if (!seen.has(kk)) {
      seen.add(kk);
      incl.set(kk, (incl.get(kk) ?? 0) + t);
    }
    cur = parent.get(cur);
  }
}
const pr = (m, n, title) => {
  console.log(`== ${title}`);
  [...m]
    .filter(([k]) => !filter || k.includes(filter))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .forEach(([k, v]) => {
      console.log(((100 * v) / total).toFixed(1).padStart(5), k);
    });
};
console.log('total ms', (total / 1000).toFixed(0));
pr(self, 45, 'self');
pr(file, 25, 'by package');
pr(incl, 70, 'inclusive');
