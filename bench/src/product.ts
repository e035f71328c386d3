import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ProductProcess, startProductProcess } from '@enclavia/standalone/testing/product-process';

export interface Product extends ProductProcess {
  /** Milliseconds the first start took: a new data directory (initdb) and the migrations. */
  firstStartMs: number;
  /** The core the product runs on, when pinned; the anchors run there too. */
  core: number | undefined;
}

/**
 * The product as `pnpm start` runs it, on a new embedded database (or the PostgreSQL of
 * `DATABASE_URL`): started once to create the database and stopped, then started again, the way
 * people start it every day after the first time. With two cores or more the product runs on core 1
 * and this process, the load generator, on core 0, as in the reference figures.
 */
export async function startProduct(env: Record<string, string> = {}): Promise<Product> {
  const core = pinLoadGenerator() ? 1 : undefined;
  const dataDir = join(mkdtempSync(join(tmpdir(), 'enclavia-bench-')), 'pglite');
  const options = {
    dataDir,
    core,
    env: { ...env, ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}) },
  };
  const first = await startProductProcess(options);
  await first.stop();
  const product = await startProductProcess({ ...options, ports: first.ports });
  return {
    ...product,
    firstStartMs: first.startMs,
    core,
    stop: async () => {
      const code = await product.stop();
      rmSync(join(dataDir, '..'), { recursive: true, force: true });
      return code;
    },
  };
}

/** Moves this process (every thread) to core 0, if there are two cores and `taskset` works. */
function pinLoadGenerator(): boolean {
  if (availableParallelism() < 2) return false;
  return spawnSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' }).status === 0;
}
