import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { authorizedFetch } from './authorized-fetch.js';
import { noCredential } from './credential.js';
import type { Deployment } from './deployment.js';
import { CliError } from './errors.js';
import { describeFailure } from './failure.js';
import { VERSION } from './version.js';

export interface ToolResult {
  structuredContent?: Record<string, unknown> | undefined;
  text: string;
}

export interface RemoteTools {
  /** Calls a tool of the deployment; its `isError` result, or a refusal, is a CliError with its text. */
  call(name: string, args?: Record<string, unknown>): Promise<ToolResult>;
  close(): Promise<void>;
}

/** An MCP client of the deployment: every command goes through its tools, as any MCP client would. */
export async function connectToDeployment({ url, credential }: Deployment): Promise<RemoteTools> {
  if (!credential) noCredential(url);
  const transport = new StreamableHTTPClientTransport(new URL(url), { fetch: authorizedFetch(credential) });
  const client = new Client({ name: 'enclavia', version: VERSION });
  const failed = (error: unknown) => new CliError(describeFailure(error, credential, url));
  await client.connect(transport).catch((error) => {
    throw failed(error);
  });
  return {
    async call(name, args = {}) {
      const result = await client.callTool({ name, arguments: args }).catch((error) => {
        throw failed(error);
      });
      const text = (result.content as Array<{ type: string; text?: string }>)
        .filter((c) => c.type === 'text')
        .map((c) => c.text)
        .join('\n');
      if (result.isError) throw new CliError(text || `${name} failed`);
      return { structuredContent: result.structuredContent as Record<string, unknown> | undefined, text };
    },
    close: () => client.close(),
  };
}
