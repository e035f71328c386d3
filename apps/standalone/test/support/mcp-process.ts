import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const bin = join(
  dirname(createRequire(import.meta.url).resolve('@enclavia/mcp/package.json')),
  'bin',
  'enclavia-mcp-server.mjs',
);

export interface McpProcess {
  /** The MCP endpoint of this process (its own port; tokens are for the shared resource URL). */
  url: string;
  stop(): Promise<void>;
}

/**
 * A second MCP server, `enclavia-mcp-server --transport http` in a process of its own on the same
 * PostgreSQL database, for the same issuer and resource as the in-process one: what a deployment
 * with several replicas runs.
 */
export async function startMcpProcess(options: {
  env: Record<string, string>;
  issuer: string;
  resource: string;
}): Promise<McpProcess> {
  const child: ChildProcess = spawn(process.execPath, [bin, '--transport', 'http'], {
    env: {
      PATH: process.env.PATH ?? '',
      ...options.env,
      AUTH_PUBLIC_URL: options.issuer,
      MCP_PUBLIC_URL: options.resource,
      MCP_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + String(chunk)).slice(-5000);
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = String(chunk).match(/Server listening at http:\/\/127\.0\.0\.1:(\d+)/);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`MCP server exited with ${code}: ${stderr}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
