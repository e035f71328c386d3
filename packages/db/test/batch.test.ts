import { describe, expect, it } from 'vitest';
import { batched } from '../src/batch.js';

/** A loader that records the keys of each query it is asked to run. */
function recorder(answer: (key: string) => string | undefined = (key) => `value of ${key}`) {
  const queries: string[][] = [];
  const load = batched(async (keys: string[]) => {
    queries.push(keys);
    const results = new Map<string, string>();
    for (const key of keys) {
      const value = answer(key);
      if (value !== undefined) results.set(key, value);
    }
    return results;
  });
  return { load, queries };
}

describe('batched', () => {
  it('answers the calls of one turn with one query over their distinct keys', async () => {
    const { load, queries } = recorder();

    const answers = await Promise.all([load('a'), load('b'), load('a')]);

    expect(answers).toEqual(['value of a', 'value of b', 'value of a']);
    expect(queries).toEqual([['a', 'b']]);
  });

  it('answers undefined for a key the query did not return', async () => {
    const { load } = recorder((key) => (key === 'known' ? 'yes' : undefined));

    expect(await Promise.all([load('known'), load('unknown')])).toEqual(['yes', undefined]);
  });

  it('never lets a call join a query already sent', async () => {
    let version = 1;
    const { load, queries } = recorder((key) => `${key}@${version}`);

    const first = load('k');
    await new Promise((resolve) => setImmediate(resolve)); // the first query is sent
    version = 2; // a write commits after it was sent
    const second = load('k');

    expect(await first).toBe('k@1');
    expect(await second).toBe('k@2');
    expect(queries).toEqual([['k'], ['k']]);
  });

  it('rejects every caller of a failed query, and the next query runs anew', async () => {
    let fail = true;
    const load = batched(async (keys: string[]) => {
      if (fail) throw new Error('connection lost');
      return new Map(keys.map((k) => [k, k]));
    });

    const results = await Promise.allSettled([load('a'), load('b')]);
    fail = false;

    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await load('a')).toBe('a');
  });

  it('sends a full batch at once and starts another', async () => {
    const queries: string[][] = [];
    const load = batched(
      async (keys: string[]) => {
        queries.push(keys);
        return new Map(keys.map((k) => [k, k]));
      },
      { maxBatch: 2 },
    );

    expect(await Promise.all(['a', 'b', 'c'].map(load))).toEqual(['a', 'b', 'c']);
    expect(queries).toEqual([['a', 'b'], ['c']]);
  });
});
