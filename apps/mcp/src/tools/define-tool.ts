import type { Scope } from '@enclavia/contract';
import type { Database } from '@enclavia/db';
import type { EnclaveDriver } from '@enclavia/enclaves';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { VerifiedAuth } from '../auth/verify-access-token.js';

export interface ToolContext {
  db: Database;
  auth: VerifiedAuth;
  /** Runs the enclaves: schedules and takes the steps after a user's change. */
  driver: EnclaveDriver;
  /** Enclaves that are not destroyed a workspace may have (ENCLAVE_QUOTA_PER_WORKSPACE). */
  enclaveQuota: number;
  /**
   * Checks again, before each call, that the token is still good: on stdio one token serves the
   * whole session, so its expiry and revocation are checked per call, not only at start.
   */
  reauthorize?: () => Promise<void>;
}

/** The acting user and client, for the audit log. */
export function actorOf(ctx: ToolContext) {
  return { userId: ctx.auth.extra.userId, clientId: ctx.auth.clientId };
}

export interface ToolDefinition<
  I extends z.ZodRawShape = z.ZodRawShape,
  O extends z.ZodRawShape = z.ZodRawShape,
> {
  name: string;
  title: string;
  description: string;
  /** The scope a token needs to see and call this tool; `null`: any valid token. */
  scope: Scope | null;
  inputSchema: I;
  outputSchema: O;
  annotations: ToolAnnotations;
  handler(input: z.output<z.ZodObject<I>>, ctx: ToolContext): Promise<CallToolResult>;
}

/** Identity function that keeps each tool's input and output types inferred. */
export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(tool: ToolDefinition<I, O>) {
  return tool;
}

/** A successful result: the structured content and the same as JSON text for clients without it. */
export function structured<T extends Record<string, unknown>>(content: T): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(content, null, 2) }], structuredContent: content };
}

/** A failed call the model can recover from: what went wrong and what to do instead. */
export function toolError(message: string, hint: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: `${message} ${hint}` }] };
}
