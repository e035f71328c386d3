import type { PGlite, QueryOptions, Results } from '@electric-sql/pglite';

type Pglite = PGlite & {
  // PGlite's own mutexes, as its `query` takes them: one statement at a time, never inside a
  // transaction that another caller holds.
  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T>;
  _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T>;
};

type PgliteModule = typeof import('@electric-sql/pglite');

/** Statement names are unique in the process, whichever client and instance prepared them. */
let named = 0;

interface Statement {
  name: string;
  /** The parameters' type ids, as PostgreSQL inferred them when it prepared the statement. */
  paramTypes: number[];
}

/**
 * `PGlite.query` with each statement text prepared once, as a named statement, and run after that
 * by one call into PostgreSQL (bind, describe, execute, sync) instead of six (parse, describe,
 * bind, describe, execute, sync, each a trip into WebAssembly and back, and PostgreSQL parsing,
 * analysing and planning the text every time). On the embedded database that fixed cost was most
 * of a small statement's (docs/performance.md). Results, parameters and errors are PGlite's own:
 * the same serializers, the same parser of the answer, the same error with the query attached.
 *
 * At most `max` texts (128) are prepared (queries whose text grows with their arguments, like `in (…)`,
 * would otherwise fill it); others, and calls with options this path does not handle, go to
 * `PGlite.query` unchanged. PostgreSQL re-plans a prepared statement itself when a table it reads
 * changes; migrations run before this is used (`client.ts`).
 */
export function preparedQueries(client: PGlite, pglite: PgliteModule, { max = 128 } = {}) {
  const pg = client as Pglite;
  const { serialize } = pglite.protocol;
  const { parseResults, parseDescribeStatementResults } = pglite.parse;
  const statements = new Map<string, Statement>();

  const prepare = async (text: string): Promise<Statement> => {
    const name = `enclavia_${++named}`;
    const described = await pg.execProtocolStream(
      concat([serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()]),
      { syncToFs: false },
    );
    const statement = { name, paramTypes: parseDescribeStatementResults(described) };
    statements.set(text, statement);
    return statement;
  };

  return async function query<T>(text: string, params: unknown[] = [], options?: QueryOptions) {
    if (
      options?.blob !== undefined ||
      options?.paramTypes !== undefined ||
      (!statements.has(text) && statements.size >= max)
    ) {
      return client.query<T>(text, params, options);
    }
    await pg.waitReady;
    return pg._runExclusiveTransaction(() =>
      pg._runExclusiveQuery(async () => {
        try {
          const { name, paramTypes } = statements.get(text) ?? (await prepare(text));
          const values = params.map((param, i) => {
            if (param === null || param === undefined) return null;
            const type = paramTypes[i]!;
            const serializer = options?.serializers?.[type] ?? pg.serializers[type];
            return serializer ? serializer(param) : String(param);
          });
          const messages = await pg.execProtocolStream(
            concat([
              serialize.bind({ statement: name, values: values as string[] }),
              serialize.describe({ type: 'P' }),
              serialize.execute({}),
              serialize.sync(),
            ]),
            { syncToFs: false },
          );
          await pg.syncToFs();
          return parseResults(messages, pg.parsers, options)[0] as Results<T>;
        } catch (error) {
          // As PGlite's own query reports a database error: with the statement that caused it.
          if (error instanceof pglite.messages.DatabaseError) {
            Object.assign(error, { query: text, params, queryOptions: options });
          }
          throw error;
        }
      }),
    );
  };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
