import { MODERN_ERRORS, SUPPORTED_REVISIONS } from '../protocol/revisions.js';

/** A 2026-07-28 refusal before any method runs: HTTP status and JSON-RPC error; the id is added later. */
export interface Refusal {
  status: number;
  code: number;
  message: string;
  data?: unknown;
}

/** transports/streamable-http "Server Validation": 400 with -32020. */
export function headerMismatch(detail: string): Refusal {
  return { status: 400, code: MODERN_ERRORS.headerMismatch, message: `Header mismatch: ${detail}` };
}

/** basic/versioning "Protocol Version Negotiation": 400 with -32022, listing what we speak. */
export function unsupportedVersion(requested: string): Refusal {
  return {
    status: 400,
    code: MODERN_ERRORS.unsupportedProtocolVersion,
    message: 'Unsupported protocol version',
    data: { supported: SUPPORTED_REVISIONS, requested },
  };
}

/** A header's value without the optional whitespace around it (RFC 9110 §5.5); one value only. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value.trim() : undefined;
}
