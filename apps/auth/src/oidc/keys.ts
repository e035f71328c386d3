import { randomBytes, randomUUID } from 'node:crypto';
import { ACCESS_TOKEN_ALG } from '@enclavia/contract';
import { type Database, loadOrCreateSecret } from '@enclavia/db';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

export interface ServerKeys {
  /** Private signing keys, newest first; the JWKS publishes their public halves. */
  signing: JWK[];
  /** Keys for oidc-provider's and our own signed cookies, newest first. */
  cookie: string[];
}

/**
 * The keys are generated on the first start and kept in the database, so tokens and sessions
 * outlive restarts and every replica signs with the same keys. Rotation: prepend a new key.
 */
export async function loadServerKeys(db: Database): Promise<ServerKeys> {
  const [signing, cookie] = await Promise.all([
    loadOrCreateSecret(db, 'signing_keys', async () => [await generateSigningKey()]),
    loadOrCreateSecret(db, 'cookie_keys', () => [randomBytes(32).toString('base64url')]),
  ]);
  return { signing, cookie };
}

async function generateSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: ACCESS_TOKEN_ALG, use: 'sig' };
}
