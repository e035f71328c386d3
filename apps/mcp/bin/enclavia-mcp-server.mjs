#!/usr/bin/env node
// Runs the TypeScript sources directly, as `pnpm start` does.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
