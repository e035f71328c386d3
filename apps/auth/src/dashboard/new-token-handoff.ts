import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type Database, loadOrCreateSecret } from '@enclavia/db';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A token just created travels from the form's POST to the page that shows it (POST → 303 → GET),
 * so that reloading that page never creates another. It rides in a cookie encrypted with a key
 * kept in the database (AES-256-GCM, so every process can read it), scoped to that one page, alive
 * for two minutes and cleared the first time it is read: shown once, never stored in the clear.
 */
const COOKIE = 'enclavia_new_token';
export const NEW_TOKEN_PATH = '/dashboard/tokens/created';
const KEY_NAME = 'new_token_handoff_key';

export interface NewToken {
  value: string;
  name: string;
}

export function newTokenHandoff(db: Database, secure: boolean) {
  let key: Promise<Buffer> | undefined;
  const keyOf = () => {
    key ??= loadOrCreateSecret(db, KEY_NAME, () => randomBytes(32).toString('base64url')).then((k) =>
      Buffer.from(k, 'base64url'),
    );
    return key;
  };
  const options = { path: NEW_TOKEN_PATH, secure, httpOnly: true, sameSite: 'strict' as const };

  return {
    async hand(reply: FastifyReply, token: NewToken): Promise<void> {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', await keyOf(), iv);
      const data = Buffer.concat([cipher.update(JSON.stringify(token), 'utf8'), cipher.final()]);
      const sealed = [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
      reply.setCookie(COOKIE, sealed, { ...options, maxAge: 120 });
    },
    /** The token, if this browser has one waiting; cleared in the same answer either way. */
    async take(request: FastifyRequest, reply: FastifyReply): Promise<NewToken | undefined> {
      const sealed = request.cookies[COOKIE];
      if (sealed === undefined) return undefined;
      reply.clearCookie(COOKIE, options);
      try {
        const [iv, tag, data] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
        const decipher = createDecipheriv('aes-256-gcm', await keyOf(), iv!).setAuthTag(tag!);
        const value = JSON.parse(Buffer.concat([decipher.update(data!), decipher.final()]).toString('utf8'));
        return typeof value?.value === 'string' && typeof value?.name === 'string' ? value : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
