import * as pglite from '@electric-sql/pglite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { preparedQueries } from '../src/pglite-statements.js';

// The prepared path must answer exactly what PGlite's own query answers, statement after statement.
let client: pglite.PGlite;

beforeAll(async () => {
  client = new pglite.PGlite();
  await client.exec('create table t (id int primary key, name text, doc jsonb, at timestamptz)');
});
afterAll(() => client?.close());

it('answers as PGlite does, the first time and every time after', async () => {
  const query = preparedQueries(client, pglite);
  const insert = 'insert into t (id, name, doc, at) values ($1, $2, $3, $4) returning *';
  for (const [id, name] of [
    [1, 'one'],
    [2, null],
  ] as const) {
    const params = [id, name, JSON.stringify({ id, tags: ['a', 'b'] }), new Date('2026-01-02T03:04:05Z')];
    const ours = await query(insert, params);
    await client.query('delete from t where id = $1', [id]);
    expect(ours).toEqual(await client.query(insert, params));
  }
  const select = 'select * from t where id = any($1::int[]) order by id';
  for (const options of [undefined, { rowMode: 'array' as const }]) {
    for (let i = 0; i < 3; i++) {
      expect(await query(select, ['{1,2}'], options)).toEqual(await client.query(select, ['{1,2}'], options));
    }
  }
});

it('reports a database error with its statement, and goes on working', async () => {
  const query = preparedQueries(client, pglite);
  const insert = 'insert into t (id, name) values ($1, $2)';
  await query(insert, [10, 'ten']);
  const error = await query(insert, [10, 'again']).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(pglite.messages.DatabaseError);
  expect(error).toMatchObject({ code: '23505', query: insert, params: [10, 'again'] });
  await expect(query('select nonsense from t', [])).rejects.toMatchObject({ code: '42703' });
  expect((await query('select name from t where id = $1', [10])).rows).toEqual([{ name: 'ten' }]);
});

it('runs texts beyond the prepared ones through PGlite itself', async () => {
  const query = preparedQueries(client, pglite, { max: 2 });
  for (let n = 0; n < 5; n++) {
    const { rows } = await query(`select $1::int + ${n} as sum`, [1]);
    expect(rows).toEqual([{ sum: 1 + n }]);
  }
});
