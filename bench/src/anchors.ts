import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('./anchor-server.ts', import.meta.url));

export interface Anchors {
  /** A bare Fastify route answering `{"hello":"world"}`. */
  helloUrl: string;
  /** Stock oidc-provider's token endpoint, in-memory adapter. */
  tokenUrl: string;
  clientId: string;
  /** One refresh token per chain, minted at start. */
  refreshTokens: string[];
  /** CPU time of the anchors' process so far, in milliseconds. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** Starts the anchors (anchor-server.ts) in a process of their own, on `core` when given. */
export async function startAnchors(chains: number, core: number | undefined): Promise<Anchors> {
  const node = [process.execPath, '--import', 'tsx', SERVER, String(chains)];
  const [command, ...args] = core === undefined ? node : ['taskset', '-c', String(core), ...node];
  const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // oidc-provider prints notices on stdout too: the anchors' line is the JSON one.
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.startsWith('{')) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`the anchors exited (${code})`)));
  });
  const pid = child.pid!;
  return {
    ...(JSON.parse(firstLine) as Omit<Anchors, 'cpuMs' | 'stop'>),
    cpuMs: () => {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
