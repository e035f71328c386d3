import { defineConfig } from 'vitest/config';

// Each file starts both services on a database of its own; two cores cannot run many at once.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false } });
