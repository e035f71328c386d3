import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from './stack.js';

/** What the README's `pnpm start` runs (package.json "start"), from the repository root. */
const START_SCRIPT = fileURLToPath(new URL('../../scripts/start.mjs', import.meta.url));
const REPO = fileURLToPath(new URL('../../../..', import.meta.url));

export interface ProductProcess {
  issuer: string;
  mcpUrl: string;
  ports: { auth: number; mcp: number };
  /** The MCP server's `/healthz`. */
  healthz: string;
  pid: number;
  /** Milliseconds from spawning the process to both services answering `/healthz`. */
  startMs: number;
  /** Resident memory of the process now, and its peak so far, in MB. */
  memory(): { rssMb: number; peakRssMb: number };
  /** CPU time the process has used so far, user and system, in milliseconds. */
  cpuMs(): number;
  stdout(): string;
  stderr(): string;
  /** SIGINT, as Ctrl-C; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface ProductOptions {
  /** The embedded database's directory; ignored when `env` has DATABASE_URL. */
  dataDir: string;
  env?: Record<string, string>;
  /** Run on this CPU core only (Linux `taskset`), as a benchmark does. */
  core?: number;
  /** Ephemeral unless given, e.g. to start again where the last process ran. */
  ports?: { auth: number; mcp: number };
  /** How much of the end of stdout and of stderr is kept; 20,000 characters unless given. */
  outputLimit?: number;
}

/** The product's process as spawned, whether or not it comes up. */
export interface SpawnedProduct {
  pid: number;
  issuer: string;
  mcpUrl: string;
  ports: { auth: number; mcp: number };
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** SIGINT, as Ctrl-C; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Runs `pnpm start`'s command in a process of its own on loopback ports of its own. */
export async function spawnProduct({
  dataDir,
  env = {},
  core,
  ports,
  outputLimit = 20_000,
}: ProductOptions): Promise<SpawnedProduct> {
  const { auth, mcp } = ports ?? { auth: await freePort(), mcp: await freePort() };
  const issuer = `http://127.0.0.1:${auth}`;
  const mcpUrl = `http://127.0.0.1:${mcp}/mcp`;
  const childEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    AUTH_PUBLIC_URL: issuer,
    AUTH_PORT: String(auth),
    MCP_PUBLIC_URL: mcpUrl,
    MCP_PORT: String(mcp),
    ...env,
  };
  const node = [process.execPath, START_SCRIPT];
  const [command, ...args] = core === undefined ? node : ['taskset', '-c', String(core), ...node];
  const child = spawn(command!, args, { cwd: REPO, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => {
    output.stdout = (output.stdout + chunk.toString()).slice(-outputLimit);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output.stderr = (output.stderr + chunk.toString()).slice(-outputLimit);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    pid: child.pid!,
    issuer,
    mcpUrl,
    ports: { auth, mcp },
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    exited,
    stop: () => stop(child, exited),
  };
}

/**
 * Starts the product as `pnpm start` does, in a process of its own (so its memory is its own) on
 * loopback ports of its own, and resolves once both services answer.
 */
export async function startProductProcess(options: ProductOptions): Promise<ProductProcess> {
  const began = performance.now();
  const spawned = await spawnProduct(options);
  const { pid, issuer, mcpUrl, ports } = spawned;
  const product: ProductProcess = {
    issuer,
    mcpUrl,
    ports,
    healthz: `http://127.0.0.1:${ports.mcp}/healthz`,
    pid,
    startMs: 0,
    memory: () => memoryOf(pid),
    cpuMs: () => cpuMsOf(pid),
    stdout: spawned.stdout,
    stderr: spawned.stderr,
    stop: spawned.stop,
  };
  try {
    await untilAnswering(spawned, [`${issuer}/healthz`, product.healthz]);
  } catch (error) {
    await product.stop();
    throw error;
  }
  product.startMs = performance.now() - began;
  return product;
}

async function untilAnswering(product: SpawnedProduct, urls: string[]) {
  const deadline = Date.now() + 60_000;
  let exitCode: number | null | undefined;
  void product.exited.then((code) => {
    exitCode = code;
  });
  for (const url of urls) {
    for (;;) {
      if (exitCode !== undefined) throw new Error(`the product exited (${exitCode}):\n${product.stderr()}`);
      if (Date.now() > deadline)
        throw new Error(`the product did not start within 60 s:\n${product.stderr()}`);
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

/** utime + stime from /proc/<pid>/stat, in clock ticks of 10 ms on Linux. */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function stop(child: ChildProcess, exited: Promise<number | null>) {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}
