// `pnpm start`: compiles this app and the workspace packages it uses into one JavaScript file with
// esbuild, then runs it. Starting from plain JavaScript instead of through a TypeScript loader
// (tsx) saves about a second and 75 MB of resident memory (docs/performance.md). Third-party
// packages are not bundled: they are loaded from where pnpm installed them, exactly as in tests.
//
// `start.mjs [standalone|auth|mcp|migrate] [args]` runs one of the entry points the same way (the
// container image's commands); `start.mjs --build-only` compiles them all and exits, and with
// ENCLAVIA_PREBUILT=1 the compiled files are run as they are (the image compiles at build time).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ENTRIES = {
  standalone: { source: '../src/main.ts', out: '../dist/main.mjs' },
  auth: { source: '../../auth/src/main.ts', out: '../dist/auth.mjs' },
  mcp: { source: '../../mcp/src/main.ts', out: '../dist/mcp.mjs' },
  migrate: { source: '../src/migrate.ts', out: '../dist/migrate.mjs' },
};
const path = (relative) => fileURLToPath(new URL(relative, import.meta.url));

/** Keeps every package that is not ours external, at the path it resolves to from its importer. */
const loadInstalledPackages = {
  name: 'load-installed-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async ({ path, kind, resolveDir, pluginData }) => {
      if (path.startsWith('@enclavia/') || path.startsWith('node:') || pluginData === 'resolving') return;
      const resolved = await build.resolve(path, { kind, resolveDir, pluginData: 'resolving' });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: pathToFileURL(resolved.path).href, external: true };
    });
    // `import.meta.url` keeps meaning the source file, so paths relative to it (migrations, the
    // data directory) stay right.
    build.onLoad({ filter: /\.ts$/ }, async ({ path }) => ({
      contents: (await readFile(path, 'utf8')).replaceAll(
        'import.meta.url',
        JSON.stringify(pathToFileURL(path).href),
      ),
      loader: 'ts',
    }));
  },
};

async function compile({ source, out }) {
  const outfile = path(out);
  const { outputFiles } = await build({
    entryPoints: [path(source)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'warning',
    plugins: [loadInstalledPackages],
  });
  // Written whole, then renamed into place: a start running at the same time never reads half a file.
  const temporary = `${outfile}.${process.pid}`;
  await mkdir(dirname(outfile), { recursive: true });
  await writeFile(temporary, outputFiles[0].contents);
  await rename(temporary, outfile);
  return outfile;
}

if (process.argv[2] === '--build-only') {
  await Promise.all(Object.values(ENTRIES).map(compile));
} else {
  // The entry's name is ours, not the entry's: its own argument parsing must not see it.
  const named = Object.hasOwn(ENTRIES, process.argv[2] ?? '') ? process.argv.splice(2, 1)[0] : 'standalone';
  const entry = ENTRIES[named];
  const outfile = process.env.ENCLAVIA_PREBUILT === '1' ? path(entry.out) : await compile(entry);
  await import(pathToFileURL(outfile).href);
}
