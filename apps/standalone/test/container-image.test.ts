import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// There is no Docker engine in CI: the Dockerfile is held to its rules by reading it.
const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const instructions = readFileSync(`${REPO}/Dockerfile`, 'utf8')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const stages = instructions.reduce<string[][]>((all, line) => {
  if (line.startsWith('FROM ')) all.push([]);
  all.at(-1)?.push(line);
  return all;
}, []);
const runtime = stages.at(-1)!;

it('builds in stages and runs a final stage without the build tools', () => {
  expect(stages.length).toBeGreaterThanOrEqual(2);
  expect(runtime[0]).toMatch(/^FROM node:\d+-\S*slim/);
  expect(runtime.filter((line) => line.startsWith('RUN ')).join('\n')).not.toMatch(/pnpm|npm install/);
});

it('installs production dependencies only', () => {
  const installs = instructions.filter((line) => /pnpm (install|fetch)|npm (install|ci)\b/.test(line));
  for (const line of installs.filter((l) => !l.includes('--global pnpm'))) expect(line).toContain('--prod');
});

it('runs as a user other than root, with a HEALTHCHECK on /healthz that needs no curl', () => {
  const user = runtime.filter((line) => line.startsWith('USER ')).at(-1);
  expect(user).toBeDefined();
  expect(user).not.toMatch(/USER (root|0)\b/);
  const healthcheck = runtime.find((line) => line.startsWith('HEALTHCHECK '));
  expect(healthcheck).toContain('/healthz');
  expect(healthcheck).toContain('"node"');
  expect(healthcheck).not.toContain('curl');
});

it('is one image for both services, the command choosing', () => {
  expect(runtime).toContain('ENTRYPOINT ["node", "apps/standalone/scripts/start.mjs"]');
  const start = readFileSync(`${REPO}/apps/standalone/scripts/start.mjs`, 'utf8');
  for (const command of ['standalone', 'auth', 'mcp', 'migrate'])
    expect(start).toMatch(new RegExp(`\\b${command}: \\{`));
});
