import { and, eq, isNull, lte, or, sql } from 'drizzle-orm';
import type { Executor } from './audit.js';
import { batched } from './batch.js';
import type { Database } from './client.js';
import { clientRowKey, clientSecretSealer } from './client-secrets.js';
import { lockGrants } from './grant-locks.js';
import { hashSecret } from './hash.js';
import { oidcModels } from './schema/index.js';

type Payload = Record<string, unknown> & {
  grantId?: string;
  uid?: string;
  userCode?: string;
  jti?: string;
  consumed?: unknown;
};

// What a find needs of a row: parsing the other columns (timestamps into Dates) costs per row.
const columns = {
  model: oidcModels.model,
  id: oidcModels.id,
  payload: oidcModels.payload,
  expiresAt: oidcModels.expiresAt,
  consumedAt: oidcModels.consumedAt,
  // By the database's clock, which also decides a consume (below): app servers' clocks may differ.
  consumedSecondsAgo: sql<number | null>`extract(epoch from now() - ${oidcModels.consumedAt})::float8`,
};
type Row = Pick<typeof oidcModels.$inferSelect, 'model' | 'id' | 'payload' | 'expiresAt' | 'consumedAt'> & {
  consumedSecondsAgo: number | null;
};
type NewRow = typeof oidcModels.$inferInsert & { model: string; id: string };

export interface OidcAdapterOptions {
  /** The error `consume` throws when the code or token was consumed already (a replay or a race). */
  alreadyConsumed: () => Error;
  /**
   * The error saving a ReplayDetection entry (a client assertion's `jti`) throws when a live one
   * exists already. oidc-provider looks the entry up and then saves it, so two requests carrying
   * the same assertion at once, to one server or two, would both find nothing; the save is where
   * exactly one of them wins.
   */
  replayed: () => Error;
  /**
   * oidc-provider destroys a Grant only to revoke it: RFC 7009 /revoke of a refresh token, a used
   * refresh token presented again, a replayed code, logout. This runs in the same transaction as
   * the delete, so such a revocation is announced exactly like every other one, and cannot be
   * missed the way an event handler can.
   */
  onGrantDestroyed?: (tx: Executor, grantId: string) => Promise<void>;
  /**
   * Seconds after its first use during which a refresh token is accepted again, as if unused: two
   * copies of one client (Claude Code sessions sharing stored credentials) refresh the same token
   * at once, and each must get tokens of its own. Later, a used token is theft. 0: no second use.
   */
  refreshTokenReuseGraceSeconds?: number;
  /** Told each time a used refresh token is read again, and whether within its grace (metrics). */
  onRefreshReuse?: (withinGrace: boolean) => void;
}

const REFRESH_TOKEN = 'RefreshToken';

/**
 * oidc-provider's storage adapter (the interface of its `example/my_adapter.js`) on our database.
 * Ids are stored hashed and `jti` (which repeats the id) is left out of the stored payload, so the
 * table holds no usable code, token or session cookie; a client's `client_secret` is stored
 * encrypted (`client-secrets.ts`). Of two concurrent `consume`s of one id
 * exactly one wins and the other gets `alreadyConsumed()`; except that a refresh token may be used
 * again within `refreshTokenReuseGraceSeconds` of its first use, which both uses win.
 *
 * A token request reads the token, its client and its grant, consumes the token and saves the next
 * one: the finds, consumes and saves of concurrent requests are each gathered into one statement
 * (`batched`), because on the embedded database a statement's fixed cost is most of a request's.
 */
export function createOidcAdapterFactory(db: Database, options: OidcAdapterOptions) {
  const graceOf = (model: string) =>
    model === REFRESH_TOKEN ? (options.refreshTokenReuseGraceSeconds ?? 0) : 0;
  const statements = batchedStatements(db, graceOf);
  // Ids whose `consume` is in flight: a second consumer of the same id loses at once.
  const consuming = new Set<string>();
  const clientSecrets = clientSecretSealer(db);

  return class DrizzleOidcAdapter {
    constructor(readonly model: string) {}

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      const { jti: _jti, ...stored } = payload;
      if (this.model === 'ReplayDetection') {
        if (!(await saveOnce(db, this.model, hashSecret(id), stored, expiresIn))) throw options.replayed();
        return;
      }
      // An Interaction copies its browser's session id, the `_session` cookie, as `session.cookie`;
      // oidc-provider finds the session by `session.uid` and never reads the copy back.
      const session = stored.session as Record<string, unknown> | undefined;
      if (this.model === 'Interaction' && session?.cookie !== undefined) {
        const { cookie: _cookie, ...kept } = session;
        stored.session = kept;
      }
      const hashedId = hashSecret(id);
      await statements.upsert({
        model: this.model,
        id: hashedId,
        payload:
          this.model === 'Client' ? await clientSecrets.seal(stored, key(this.model, hashedId)) : stored,
        // A Grant row carries its own id here, so revoking a grant by id deletes it with its tokens.
        grantId: payload.grantId ?? (this.model === 'Grant' ? id : null),
        uid: payload.uid ?? null,
        userCode: payload.userCode ? hashSecret(payload.userCode) : null,
        expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
      });
    }

    async find(id: string): Promise<Payload | undefined> {
      const hashedId = hashSecret(id);
      const payload = this.payloadOf(await statements.find(key(this.model, hashedId)), id);
      return payload && this.model === 'Client'
        ? clientSecrets.open(payload, clientRowKey(hashedId))
        : payload;
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      return this.payloadOf(await this.findWhere(eq(oidcModels.uid, uid)));
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      return this.payloadOf(await this.findWhere(eq(oidcModels.userCode, hashSecret(userCode))));
    }

    async consume(id: string): Promise<void> {
      const k = key(this.model, hashSecret(id));
      if (graceOf(this.model) > 0) {
        // Concurrent uses of one refresh token within the grace all win: each gets its own branch.
        if (!(await statements.consume(k))) throw options.alreadyConsumed();
        return;
      }
      if (consuming.has(k)) throw options.alreadyConsumed();
      consuming.add(k);
      try {
        if (!(await statements.consume(k))) throw options.alreadyConsumed();
      } finally {
        consuming.delete(k);
      }
    }

    async destroy(id: string): Promise<void> {
      const remove = (tx: Executor) =>
        tx.delete(oidcModels).where(and(this.isModel(), eq(oidcModels.id, hashSecret(id))));
      const { onGrantDestroyed } = options;
      if (this.model !== 'Grant' || !onGrantDestroyed) {
        await remove(db);
        return;
      }
      await db.transaction(async (tx) => {
        await lockGrants(tx, [id]);
        await remove(tx);
        await onGrantDestroyed(tx, id);
      });
    }

    /** This model's rows of the grant: oidc-provider calls it once per model when it revokes one. */
    async revokeByGrantId(grantId: string): Promise<void> {
      await db.transaction(async (tx) => {
        await lockGrants(tx, [grantId]);
        await tx.delete(oidcModels).where(and(this.isModel(), eq(oidcModels.grantId, grantId)));
      });
    }

    private isModel() {
      return eq(oidcModels.model, this.model);
    }

    private async findWhere(condition: ReturnType<typeof eq>): Promise<Row | undefined> {
      const [row] = await db.select(columns).from(oidcModels).where(and(this.isModel(), condition)).limit(1);
      return row;
    }

    private payloadOf(row: Row | undefined, id?: string): Payload | undefined {
      if (!row) return undefined;
      if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return undefined;
      const payload: Payload = { ...row.payload };
      // Every model but Client carries its id as `jti`; it was left out at rest. A lookup by uid
      // cannot restore it, which is fine: oidc-provider only reads such a session.
      if (this.model !== 'Client' && id !== undefined) payload.jti = id;
      if (row.consumedAt) {
        const graced = withinGrace(row.consumedSecondsAgo, graceOf(this.model));
        if (this.model === REFRESH_TOKEN) options.onRefreshReuse?.(graced);
        if (!graced) payload.consumed = Math.floor(row.consumedAt.getTime() / 1000);
      }
      return payload;
    }
  };
}

/** A used token within its grace reads as unused, so oidc-provider rotates it once more. */
function withinGrace(consumedSecondsAgo: number | null, grace: number): boolean {
  return grace > 0 && consumedSecondsAgo !== null && consumedSecondsAgo < grace;
}

/** Saves a row unless a live one with its id exists; whether it did. */
async function saveOnce(
  db: Database,
  model: string,
  hashedId: string,
  payload: Record<string, unknown>,
  expiresIn?: number,
): Promise<boolean> {
  const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
  const saved = await db
    .insert(oidcModels)
    .values({ model, id: hashedId, payload, expiresAt })
    .onConflictDoUpdate({
      target: [oidcModels.model, oidcModels.id],
      set: { payload, expiresAt },
      setWhere: lte(oidcModels.expiresAt, sql`now()`),
    })
    .returning({ id: oidcModels.id });
  return saved.length > 0;
}

/** A row's key in a batch: its model and hashed id. */
function key(model: string, hashedId: string): string {
  return `${model}\n${hashedId}`;
}

function split(k: string): [model: string, hashedId: string] {
  const at = k.indexOf('\n');
  return [k.slice(0, at), k.slice(at + 1)];
}

/** Runs `statement` once per model among the keys (a batch rarely has two), with its hashed ids. */
async function perModel(
  keys: string[],
  statement: (model: string, hashedIds: string[]) => Promise<void>,
): Promise<void> {
  const ids = new Map<string, string[]>();
  for (const k of keys) {
    const [model, hashedId] = split(k);
    const group = ids.get(model);
    if (group) group.push(hashedId);
    else ids.set(model, [hashedId]);
  }
  await Promise.all([...ids].map(([model, hashedIds]) => statement(model, hashedIds)));
}

/**
 * Finds, consumes and saves, each gathered across concurrent requests into one statement. A
 * statement takes its whole batch in one parameter, so its text is the same for every batch: drizzle
 * builds it once (building it per call cost more than PGlite running it), and PostgreSQL can keep it
 * prepared.
 */
function batchedStatements(db: Database, graceOf: (model: string) => number) {
  const byIds = and(
    eq(oidcModels.model, sql.placeholder('model')),
    sql`${oidcModels.id} = any(${sql.placeholder('ids')}::text::text[])`,
  );
  const findRows = db.select(columns).from(oidcModels).where(byIds).prepare('oidc_find');
  // The first use is what counts: a use within the grace keeps its time, so the window never slides.
  const consumeRows = db
    .update(oidcModels)
    .set({ consumedAt: sql`coalesce(${oidcModels.consumedAt}, now())` })
    .where(
      and(
        byIds,
        or(
          isNull(oidcModels.consumedAt),
          sql`${oidcModels.consumedAt} > now() - make_interval(secs => ${sql.placeholder('grace')}::text::float8)`,
        ),
      ),
    )
    .returning({ id: oidcModels.id })
    .prepare('oidc_consume');

  const find = batched(async (keys: string[]) => {
    const found = new Map<string, Row>();
    await perModel(keys, async (model, hashedIds) => {
      const rows = await findRows.execute({ model, ids: textArray(hashedIds) });
      for (const row of rows) found.set(key(row.model, row.id), row);
    });
    return found;
  });

  const consume = batched(async (keys: string[]) => {
    const won = new Map<string, true>();
    await perModel(keys, async (model, hashedIds) => {
      const rows = await consumeRows.execute({ model, ids: textArray(hashedIds), grace: graceOf(model) });
      for (const row of rows) won.set(key(model, row.id), true);
    });
    return won;
  });

  const upsert = batched(async (rows: NewRow[]) => {
    // One statement may not write a row twice: of two saves of one id, the later one stands.
    const latest = [...new Map(rows.map((row) => [key(row.model, row.id), row])).values()];
    await db.execute(sql`
      insert into ${oidcModels} (model, id, payload, grant_id, uid, user_code, expires_at)
      select * from jsonb_to_recordset(${JSON.stringify(latest)}::text::jsonb)
        as t(model text, id text, payload jsonb, "grantId" text, uid text, "userCode" text, "expiresAt" timestamptz)
      on conflict (model, id) do update set payload = excluded.payload, grant_id = excluded.grant_id,
        uid = excluded.uid, user_code = excluded.user_code, expires_at = excluded.expires_at`);
    return new Map(rows.map((row) => [row, true as const]));
  });

  return {
    find,
    consume: async (k: string) => (await consume(k)) === true,
    upsert: async (row: NewRow) => {
      await upsert(row);
    },
  };
}

/**
 * A PostgreSQL array literal of `values` (each quoted, `"` and `\` escaped), passed as one `text`
 * parameter and cast to `text[]`: both drivers pass a string through unchanged.
 */
export function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}
