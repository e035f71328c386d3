import type { IncomingHttpHeaders } from 'node:http';
import { headerMismatch, headerValue, type Refusal } from './modern-refusals.js';

/** The methods whose `params.name` the `Mcp-Name` header mirrors; a tools server has only this one. */
const NAMED_METHODS = new Set(['tools/call']);

/**
 * 2026-07-28 transports/streamable-http "Standard Request Headers" and "Server Validation":
 * `Mcp-Method` on every request and `Mcp-Name` on `tools/call` must be present and say what the
 * body says, so a proxy routing on them cannot be told one thing while we run another. Values are
 * case-sensitive; `Mcp-Name` may be Base64 in the `=?base64?…?=` form and is decoded first.
 */
export function refuseStandardHeaders(
  request: { method: string; params?: Record<string, unknown> },
  headers: IncomingHttpHeaders,
): Refusal | undefined {
  const method = headerValue(headers['mcp-method']);
  if (method === undefined)
    return headerMismatch(`the Mcp-Method header is missing; the body's method is '${request.method}'`);
  if (method !== request.method) {
    return headerMismatch(
      `Mcp-Method header value '${method}' does not match body value '${request.method}'`,
    );
  }
  const bodyName = request.params?.name;
  if (!NAMED_METHODS.has(request.method) || typeof bodyName !== 'string') return undefined;
  const raw = headerValue(headers['mcp-name']);
  if (raw === undefined)
    return headerMismatch(`the Mcp-Name header is missing; the body's name is '${bodyName}'`);
  const name = decodeHeaderValue(raw);
  if (name === undefined) return headerMismatch(`the Mcp-Name header value '${raw}' is not valid Base64`);
  if (name !== bodyName) {
    return headerMismatch(`Mcp-Name header value '${name}' does not match body value '${bodyName}'`);
  }
  return undefined;
}

const SENTINEL = /^=\?base64\?(.*)\?=$/s;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A header value as sent, or the UTF-8 text of its `=?base64?…?=` form; undefined if that is broken. */
export function decodeHeaderValue(value: string): string | undefined {
  const encoded = SENTINEL.exec(value)?.[1];
  if (encoded === undefined) return value;
  if (!BASE64.test(encoded)) return undefined;
  const bytes = Buffer.from(encoded, 'base64');
  const text = new TextDecoder('utf-8', { fatal: true });
  try {
    return text.decode(bytes);
  } catch {
    return undefined;
  }
}
