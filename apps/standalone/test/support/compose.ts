import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const REPO = fileURLToPath(new URL('../../../..', import.meta.url));
/** What the image's ENTRYPOINT runs; the compose `command` is its argument. */
const ENTRYPOINT = fileURLToPath(new URL('../../scripts/start.mjs', import.meta.url));

export interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  restart?: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

export function readCompose(): { services: Record<string, ComposeService> } {
  return parse(readFileSync(`${REPO}/docker-compose.yml`, 'utf8'));
}

/** `${NAME:-default}` as compose substitutes it from the shell's variables. */
export function substitute(value: string, variables: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::-([^}]*))?\}/g, (_all, name: string, fallback = '') =>
    variables[name] ? variables[name] : fallback,
  );
}

export interface ServiceProcess {
  exited: Promise<number | null>;
  output(): string;
  stop(): Promise<void>;
}

/** Runs a compose service's command as the image would, as a process of its own. */
export function runService(service: ComposeService, env: Record<string, string>): ServiceProcess {
  const child: ChildProcess = spawn(process.execPath, [ENTRYPOINT, ...(service.command ?? [])], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    exited,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
