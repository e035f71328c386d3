import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { oidcModels } from './schema/index.js';
import { loadOrCreateSecret } from './secrets.js';

const SECRET_NAME = 'client_secret_key';
const ENCRYPTED = 'client_secret_encrypted';
const VERSION = 'v1';

type Payload = Record<string, unknown>;

/**
 * A registered client's `client_secret`, encrypted at rest (AES-256-GCM) with a key from the
 * database's secret store. Not hashed: oidc-provider needs the secret itself, to compare it and,
 * for a client that asks, as the key of HS256-signed responses. Each ciphertext is bound to its
 * row, so it cannot be copied onto another client.
 */
export function clientSecretSealer(db: Database) {
  let key: Promise<Buffer> | undefined;
  const keyOf = () => {
    key ??= loadOrCreateSecret(db, SECRET_NAME, () => randomBytes(32).toString('base64url')).then((k) =>
      Buffer.from(k, 'base64url'),
    );
    return key;
  };

  return {
    /** The payload to store: `client_secret` replaced by its ciphertext. */
    async seal(payload: Payload, rowId: string): Promise<Payload> {
      const { client_secret: secret, ...rest } = payload;
      if (typeof secret !== 'string') return payload;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', await keyOf(), iv).setAAD(Buffer.from(rowId));
      const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      const sealed = [VERSION, iv, cipher.getAuthTag(), data].map((p) =>
        typeof p === 'string' ? p : p.toString('base64url'),
      );
      return { ...rest, [ENCRYPTED]: sealed.join('.') };
    },

    /** The payload as oidc-provider knows it; a row stored before encryption reads as it is. */
    async open(payload: Payload, rowId: string): Promise<Payload> {
      const { [ENCRYPTED]: sealed, ...rest } = payload;
      if (typeof sealed !== 'string') return payload;
      const [version, iv, tag, data] = sealed.split('.');
      if (version !== VERSION || !iv || !tag || data === undefined)
        throw new Error('unreadable client secret');
      const decipher = createDecipheriv('aes-256-gcm', await keyOf(), Buffer.from(iv, 'base64url'))
        .setAAD(Buffer.from(rowId))
        .setAuthTag(Buffer.from(tag, 'base64url'));
      const secret = Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]);
      return { ...rest, client_secret: secret.toString('utf8') };
    },
  };
}

/** What a sealed secret is bound to: its row, by model and hashed id (as the adapter keys rows). */
export function clientRowKey(hashedId: string): string {
  return `Client\n${hashedId}`;
}

/**
 * Seals the plaintext secrets of clients registered before secrets were encrypted; how many.
 * A row saved again meanwhile is sealed already and stays as it is.
 */
export async function sealStoredClientSecrets(db: Database): Promise<number> {
  const sealer = clientSecretSealer(db);
  const plaintext = sql`${oidcModels.payload} ->> 'client_secret' is not null`;
  const rows = await db
    .select({ id: oidcModels.id, payload: oidcModels.payload })
    .from(oidcModels)
    .where(and(eq(oidcModels.model, 'Client'), plaintext));
  for (const row of rows) {
    const payload = await sealer.seal(row.payload as Payload, clientRowKey(row.id));
    await db
      .update(oidcModels)
      .set({ payload })
      .where(and(eq(oidcModels.model, 'Client'), eq(oidcModels.id, row.id), plaintext));
  }
  return rows.length;
}
