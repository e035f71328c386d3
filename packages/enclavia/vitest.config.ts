import { defineConfig } from 'vitest/config';

// The end-to-end file installs the packed tarball from the npm registry once: allow for that.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 240_000 } });
