import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { hashSecret } from './hash.js';
import { oidcModels } from './schema/index.js';

type Payload = Record<string, unknown> & {
  grantId?: string;
  uid?: string;
  userCode?: string;
  jti?: string;
  consumed?: unknown;
};

export interface OidcAdapterOptions {
  /** The error `consume` throws when the code or token was consumed already (a replay or a race). */
  alreadyConsumed: () => Error;
}

/**
 * oidc-provider's storage adapter (the interface of its `example/my_adapter.js`) on our database.
 * Ids are stored hashed and `jti` (which repeats the id) is left out of the stored payload, so the
 * table holds no usable code, token or session cookie. `consume` is one conditional UPDATE: of two
 * concurrent consumers exactly one wins, the other gets `alreadyConsumed()`.
 */
export function createOidcAdapterFactory(db: Database, options: OidcAdapterOptions) {
  return class DrizzleOidcAdapter {
    constructor(readonly model: string) {}

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      const { jti: _jti, ...stored } = payload;
      const row = {
        model: this.model,
        id: hashSecret(id),
        payload: stored,
        grantId: payload.grantId ?? null,
        uid: payload.uid ?? null,
        userCode: payload.userCode ? hashSecret(payload.userCode) : null,
        expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
      };
      await db
        .insert(oidcModels)
        .values(row)
        .onConflictDoUpdate({
          target: [oidcModels.model, oidcModels.id],
          set: {
            payload: row.payload,
            grantId: row.grantId,
            uid: row.uid,
            userCode: row.userCode,
            expiresAt: row.expiresAt,
          },
        });
    }

    async find(id: string): Promise<Payload | undefined> {
      return this.findWhere(eq(oidcModels.id, hashSecret(id)), id);
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      return this.findWhere(eq(oidcModels.uid, uid));
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      return this.findWhere(eq(oidcModels.userCode, hashSecret(userCode)));
    }

    async consume(id: string): Promise<void> {
      const won = await db
        .update(oidcModels)
        .set({ consumedAt: sql`now()` })
        .where(and(this.isModel(), eq(oidcModels.id, hashSecret(id)), isNull(oidcModels.consumedAt)))
        .returning({ id: oidcModels.id });
      if (won.length === 0) throw options.alreadyConsumed();
    }

    async destroy(id: string): Promise<void> {
      await db.delete(oidcModels).where(and(this.isModel(), eq(oidcModels.id, hashSecret(id))));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.delete(oidcModels).where(eq(oidcModels.grantId, grantId));
    }

    private isModel() {
      return eq(oidcModels.model, this.model);
    }

    private async findWhere(condition: ReturnType<typeof eq>, id?: string): Promise<Payload | undefined> {
      const [row] = await db.select().from(oidcModels).where(and(this.isModel(), condition)).limit(1);
      if (!row) return undefined;
      if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return undefined;
      const payload: Payload = { ...row.payload };
      // Every model but Client carries its id as `jti`; it was left out at rest. A lookup by uid
      // cannot restore it, which is fine: oidc-provider only reads such a session.
      if (this.model !== 'Client' && id !== undefined) payload.jti = id;
      if (row.consumedAt) payload.consumed = Math.floor(row.consumedAt.getTime() / 1000);
      return payload;
    }
  };
}
