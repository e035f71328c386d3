import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@enclavia/standalone/testing/stack';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface Product {
  issuer: string;
  mcpUrl: string;
  healthz: string;
  /** Milliseconds from spawning the process to both services answering `/healthz`. */
  startMs: number;
  /** Resident memory of the product process now, and its peak so far, in MB. */
  memory(): { rssMb: number; peakRssMb: number };
  /** Everything the product printed on stderr, for a failure report. */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts the product as `pnpm start` runs it (`tsx apps/standalone/src/main.ts`), in a process of
 * its own so its memory is its own, on loopback ports of its own and a fresh embedded database, or
 * the PostgreSQL of `DATABASE_URL`. On a machine with two or more cores it is pinned to one, as in
 * the reference figures, leaving the other to the load generator.
 */
export async function startProduct(options: { env?: Record<string, string>; pin?: boolean } = {}) {
  const ports = { auth: await freePort(), mcp: await freePort() };
  const dataDir = mkdtempSync(join(tmpdir(), 'enclavia-bench-'));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : { DATA_DIR: dataDir }),
    LOG_LEVEL: 'warn',
    AUTH_PUBLIC_URL: `http://127.0.0.1:${ports.auth}`,
    AUTH_PORT: String(ports.auth),
    MCP_PUBLIC_URL: `http://127.0.0.1:${ports.mcp}/mcp`,
    MCP_PORT: String(ports.mcp),
    ...options.env,
  };
  const node = [process.execPath, '--import', 'tsx', 'apps/standalone/src/main.ts'];
  const [command, ...args] = options.pin && (await canPin()) ? ['taskset', '-c', '1', ...node] : node;
  const began = performance.now();
  const child = spawn(command!, args, { cwd: REPO, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  const product: Product = {
    issuer: env.AUTH_PUBLIC_URL,
    mcpUrl: env.MCP_PUBLIC_URL,
    healthz: `http://127.0.0.1:${ports.mcp}/healthz`,
    startMs: 0,
    memory: () => memoryOf(child.pid!),
    stderr: () => stderr,
    stop: async () => {
      await stopProcess(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await waitUntilUp(child, [`${product.issuer}/healthz`, product.healthz], () => stderr);
  } catch (error) {
    await product.stop();
    throw error;
  }
  product.startMs = performance.now() - began;
  return product;
}

async function waitUntilUp(child: ChildProcess, urls: string[], stderr: () => string) {
  const deadline = Date.now() + 60_000;
  for (const url of urls) {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the product exited (${child.exitCode}):\n${stderr()}`);
      if (Date.now() > deadline) throw new Error(`the product did not start within 60 s:\n${stderr()}`);
      const ok = await fetch(url).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** The process's resident set now (VmRSS) and at its peak (VmHWM), from /proc. */
function memoryOf(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
}

async function stopProcess(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function canPin(): Promise<boolean> {
  const { availableParallelism } = await import('node:os');
  if (availableParallelism() < 2) return false;
  return new Promise((resolve) => {
    const probe = spawn('taskset', ['-c', '1', 'true'], { stdio: 'ignore' });
    probe.once('error', () => resolve(false));
    probe.once('exit', (code) => resolve(code === 0));
  });
}
