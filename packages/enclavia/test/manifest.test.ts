import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The workspace catalog (pnpm-workspace.yaml): `name: range` lines under `catalog:`. */
function catalog(): Map<string, string> {
  const yaml = readFileSync(new URL('../../../pnpm-workspace.yaml', import.meta.url), 'utf8');
  const section = yaml.split(/^catalog:\n/m)[1]!.split(/^\S/m)[0]!;
  return new Map(
    [...section.matchAll(/^ {2}"?([^":]+)"?: (.+)$/gm)].map((m) => [m[1]!, m[2]!.trim()] as [string, string]),
  );
}

// The package names real ranges, not `catalog:`, so that `npm pack` (which does not resolve the
// catalog) makes an installable tarball; they must stay the catalog's.
it("names the workspace catalog's ranges for its dependencies", () => {
  const ranges = catalog();
  for (const [name, range] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
    expect(range, name).toBe(ranges.get(name));
  }
});
