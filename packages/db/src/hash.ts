import { hash } from 'node:crypto';

/**
 * The at-rest form of a bearer secret: SHA-256, base64url. Secrets here are high-entropy, so no salt.
 * One-shot `hash` (Node 20.12+): the same digest as createHash, at about a quarter of its cost,
 * and a token request hashes several ids.
 */
export function hashSecret(value: string): string {
  return hash('sha256', value, 'base64url');
}
