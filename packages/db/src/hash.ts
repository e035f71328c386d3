import { createHash } from 'node:crypto';

/** The at-rest form of a bearer secret: SHA-256, base64url. Secrets here are high-entropy, so no salt. */
export function hashSecret(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
