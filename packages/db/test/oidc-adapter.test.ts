import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOidcAdapterFactory,
  type DatabaseHandle,
  eq,
  hashSecret,
  oidcModels,
  sql,
} from '../src/index.js';
import { textArray } from '../src/oidc-adapter.js';
import { createTestDatabase } from '../src/testing.js';

class AlreadyConsumed extends Error {}
class Replayed extends Error {}

let handle: DatabaseHandle;
let Adapter: ReturnType<typeof createOidcAdapterFactory>;

beforeAll(async () => {
  handle = await createTestDatabase();
  Adapter = createOidcAdapterFactory(handle.db, {
    alreadyConsumed: () => new AlreadyConsumed('used'),
    replayed: () => new Replayed('replayed'),
  });
});
afterAll(() => handle?.close());

describe('oidc-provider adapter', () => {
  it('stores a token under a hash, without its value, and finds it by value', async () => {
    const tokens = new Adapter('RefreshToken');
    await tokens.upsert(
      'rt-secret-value',
      { jti: 'rt-secret-value', grantId: 'g1', kind: 'RefreshToken' },
      60,
    );

    expect(await tokens.find('rt-secret-value')).toMatchObject({ jti: 'rt-secret-value', grantId: 'g1' });
    const rows = await handle.db.select().from(oidcModels);
    expect(JSON.stringify(rows)).not.toContain('rt-secret-value');
  });

  it('lets exactly one of two concurrent consumers win', async () => {
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('code-1', { jti: 'code-1', grantId: 'g2' }, 60);

    const results = await Promise.allSettled([codes.consume('code-1'), codes.consume('code-1')]);

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.status === 'rejected' && rejected.reason).toBeInstanceOf(AlreadyConsumed);
    expect((await codes.find('code-1'))?.consumed).toEqual(expect.any(Number));
  });

  it('saves a replay-detection entry once: of two concurrent saves exactly one wins, until it expires', async () => {
    const seen = new Adapter('ReplayDetection');
    const save = () => seen.upsert('jti-hash', { jti: 'jti-hash', iss: 'client-1' }, 60);

    const results = await Promise.allSettled([save(), save()]);

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.status === 'rejected' && rejected.reason).toBeInstanceOf(Replayed);
    expect(await seen.find('jti-hash')).toMatchObject({ iss: 'client-1' });
    await handle.db
      .update(oidcModels)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(oidcModels.model, 'ReplayDetection'));
    await expect(save()).resolves.toBeUndefined();
  });

  it('hides expired rows', async () => {
    const sessions = new Adapter('Session');
    await sessions.upsert('s-1', { jti: 's-1', uid: 'u-1' }, 60);
    await handle.db.update(oidcModels).set({ expiresAt: new Date(Date.now() - 1000) });
    expect(await sessions.find('s-1')).toBeUndefined();
    expect(await sessions.findByUid('u-1')).toBeUndefined();
  });

  it('revokes everything of a grant, and only that', async () => {
    const tokens = new Adapter('RefreshToken');
    await tokens.upsert('a', { jti: 'a', grantId: 'revoke-me' }, 60);
    await tokens.upsert('b', { jti: 'b', grantId: 'keep-me' }, 60);
    await tokens.revokeByGrantId('revoke-me');
    expect(await tokens.find('a')).toBeUndefined();
    expect(await tokens.find('b')).toBeDefined();
  });

  it('keeps clients by their id, which is public', async () => {
    const clients = new Adapter('Client');
    await clients.upsert('client-1', { client_id: 'client-1', redirect_uris: ['http://localhost/cb'] });
    expect(await clients.find('client-1')).toEqual({
      client_id: 'client-1',
      redirect_uris: ['http://localhost/cb'],
    });
    await clients.destroy('client-1');
    expect(await clients.find('client-1')).toBeUndefined();
  });

  it('answers concurrent requests, gathered into one statement each, as if each ran alone', async () => {
    const tokens = new Adapter('RefreshToken');
    const clients = new Adapter('Client');
    await Promise.all([
      tokens.upsert('t-1', { jti: 't-1', grantId: 'g-1', n: 1 }, 60),
      tokens.upsert('t-2', { jti: 't-2', grantId: 'g-2' }, 60),
      tokens.upsert('t-1', { jti: 't-1', grantId: 'g-1', n: 2 }, 60),
      clients.upsert('c-1', { client_id: 'c-1' }),
    ]);

    const [t1, t2, c1, missing] = await Promise.all([
      tokens.find('t-1'),
      tokens.find('t-2'),
      clients.find('c-1'),
      clients.find('t-1'),
    ]);
    expect([t1?.n, t2?.grantId, c1?.client_id, missing]).toEqual([2, 'g-2', 'c-1', undefined]);

    const consumed = await Promise.allSettled([tokens.consume('t-1'), tokens.consume('t-2')]);
    expect(consumed.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    await expect(tokens.consume('t-2')).rejects.toBeInstanceOf(AlreadyConsumed);
    await expect(tokens.consume('never-saved')).rejects.toBeInstanceOf(AlreadyConsumed);
  });

  it('accepts a refresh token again within the reuse grace, from its first use on, and never a code', async () => {
    const Graced = createOidcAdapterFactory(handle.db, {
      alreadyConsumed: () => new AlreadyConsumed('used'),
      replayed: () => new Replayed('replayed'),
      refreshTokenReuseGraceSeconds: 1,
    });
    const tokens = new Graced('RefreshToken');
    await tokens.upsert('grace-rt', { jti: 'grace-rt', grantId: 'g-grace' }, 60);
    // Copies of one client refreshing at once: every use wins.
    const first = await Promise.allSettled([tokens.consume('grace-rt'), tokens.consume('grace-rt')]);
    expect(first.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect((await tokens.find('grace-rt'))?.consumed).toBeUndefined();
    await tokens.consume('grace-rt');

    // The window runs from the first use, however often the token was used since.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await tokens.find('grace-rt'))?.consumed).toEqual(expect.any(Number));
    await expect(tokens.consume('grace-rt')).rejects.toBeInstanceOf(AlreadyConsumed);

    const codes = new Graced('AuthorizationCode');
    await codes.upsert('grace-code', { jti: 'grace-code', grantId: 'g-grace' }, 60);
    await codes.consume('grace-code');
    expect((await codes.find('grace-code'))?.consumed).toEqual(expect.any(Number));
    await expect(codes.consume('grace-code')).rejects.toBeInstanceOf(AlreadyConsumed);
  });

  it('saves over an earlier save, with the uid, grant and user code it is found or revoked by', async () => {
    const codes = new Adapter('DeviceCode');
    await codes.upsert('d-1', { jti: 'd-1', uid: 'u-d1', userCode: 'ABCD-EFGH', grantId: 'g-d1', n: 1 }, 60);
    await codes.upsert('d-1', { jti: 'd-1', uid: 'u-d1', userCode: 'ABCD-EFGH', grantId: 'g-d1', n: 2 }, 60);

    expect((await codes.find('d-1'))?.n).toBe(2);
    expect((await codes.findByUid('u-d1'))?.n).toBe(2);
    expect((await codes.findByUserCode('ABCD-EFGH'))?.n).toBe(2);
    await codes.revokeByGrantId('g-d1');
    expect(await codes.find('d-1')).toBeUndefined();
  });

  it('saves a payload and its expiry as given, whatever characters it holds', async () => {
    const clients = new Adapter('Client');
    const name = 'Ünïcødé "quoted", \\back\\slash {braces} \u2028 emoji 🚀';
    const before = Date.now();
    await clients.upsert('c-odd', { client_id: 'c-odd', client_name: name }, 3600);

    expect((await clients.find('c-odd'))?.client_name).toBe(name);
    const [row] = await handle.db
      .select()
      .from(oidcModels)
      .where(eq(oidcModels.id, hashSecret('c-odd')));
    expect(row?.expiresAt?.getTime()).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
    expect(row?.expiresAt?.getTime()).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000);
  });
});

describe('textArray', () => {
  it('is read back by PostgreSQL as exactly the values given', async () => {
    const values = ['plain', 'a,b', '{x}', 'say "hi"', 'back\\slash', ' spaced ', 'NULL', ''];
    const rows = await handle.db
      .select({ v: sql<string>`v` })
      .from(sql`unnest(${textArray(values)}::text::text[]) with ordinality as t(v, n)`)
      .orderBy(sql`n`);
    expect(rows.map((r) => r.v)).toEqual(values);
  });
});
