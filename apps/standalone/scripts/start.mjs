// `pnpm start`: compiles this app and the workspace packages it uses into one JavaScript file with
// esbuild, then runs it. Starting from plain JavaScript instead of through a TypeScript loader
// (tsx) saves about a second and 75 MB of resident memory (docs/performance.md). Third-party
// packages are not bundled: they are loaded from where pnpm installed them, exactly as in tests.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const entry = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const outfile = fileURLToPath(new URL('../dist/main.mjs', import.meta.url));

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

const { outputFiles } = await build({
  entryPoints: [entry],
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
await import(pathToFileURL(outfile).href);
