import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';

/** The stateless revision: no `initialize`, the version and capabilities in every request's `_meta`. */
export const MODERN_REVISION = '2026-07-28';

/** The revisions served with an `initialize` session, by the MCP SDK (1.x). */
export const SESSION_REVISIONS: readonly string[] = SUPPORTED_PROTOCOL_VERSIONS;

/** Every revision this endpoint speaks, newest first, as `server/discover` and version errors list them. */
export const SUPPORTED_REVISIONS: readonly string[] = [MODERN_REVISION, ...SESSION_REVISIONS];

/** The reserved `_meta` keys of 2026-07-28 (basic/index "Per-request protocol fields"). */
export const META_KEYS = {
  protocolVersion: 'io.modelcontextprotocol/protocolVersion',
  clientCapabilities: 'io.modelcontextprotocol/clientCapabilities',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
  serverInfo: 'io.modelcontextprotocol/serverInfo',
} as const;

/** JSON-RPC error codes 2026-07-28 defines (basic/index "Error Codes") and the standard ones it uses. */
export const MODERN_ERRORS = {
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  headerMismatch: -32020,
  unsupportedProtocolVersion: -32022,
} as const;
