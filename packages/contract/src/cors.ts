/**
 * The preflight answer of open registration, which carries no cookies so any origin may call it:
 * the issuer's `/register` and the MCP origin's fallback to it answer alike.
 */
export const REGISTRATION_PREFLIGHT_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'Content-Type, Authorization',
  'access-control-max-age': '600',
} as const;
