import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../src/repositories/group-commit';

/** An error as pg raises it, with its SQLSTATE. */
const pgError = (code: string) => Object.assign(new Error(`SQLSTATE ${code}`), { code });

/** A write that records the groups it was given and answers each item doubled. */
function recorder(fail?: (items: number[]) => Error | undefined) {
  const groups: number[][] = [];
  const write = async (items: number[]) => {
    groups.push(items);
    await new Promise((r) => setTimeout(r, 5));
    const err = fail?.(items);
    if (err) throw err;
    return items.map((n) => n * 2);
  };
  return { groups, write };
}

describe('GroupCommit', () => {
  it('writes a lone call at once, alone', async () => {
    const { groups, write } = recorder();
    const commit = new GroupCommit(write);
    expect(await commit.run(1)).toBe(2);
    expect(groups).toEqual([[1]]);
  });

  it('groups the calls made while a write is in flight, and answers each its own result', async () => {
    const { groups, write } = recorder();
    const commit = new GroupCommit(write, { maxGroup: 100, maxInFlight: 1 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => commit.run(n)));
    expect(results).toEqual([2, 4, 6, 8, 10]);
    expect(groups).toEqual([[1], [2, 3, 4, 5]]);
  });

  it('keeps groups within maxGroup', async () => {
    const { groups, write } = recorder();
    const commit = new GroupCommit(write, { maxGroup: 2, maxInFlight: 1 });
    await Promise.all([1, 2, 3, 4, 5].map((n) => commit.run(n)));
    expect(groups).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('never puts two items with the same key in one group; the others keep their order', async () => {
    const { groups, write } = recorder();
    const commit = new GroupCommit(write, { distinctBy: (n: number) => n % 10 });
    const results = await Promise.all([1, 2, 12, 3, 22, 13, 4].map((n) => commit.run(n)));
    expect(results).toEqual([2, 4, 24, 6, 44, 26, 8]);
    expect(groups).toEqual([[1], [2, 3, 4], [12, 13], [22]]);
  });

  it('a group PostgreSQL refused is written again item by item: only the bad item fails', async () => {
    // 23505: unique violation, the statement was rolled back.
    const { groups, write } = recorder((items) =>
      items.includes(3) ? pgError('23505') : undefined,
    );
    const commit = new GroupCommit(write, { maxGroup: 100, maxInFlight: 1 });
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => commit.run(n)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual([
      2,
      4,
      'failed',
      8,
    ]);
    expect(groups).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });

  it('a group that may have committed (connection lost) is not written again: all its items fail', async () => {
    for (const lost of [pgError('08006'), Object.assign(new Error('Connection terminated'), {})]) {
      const { groups, write } = recorder((items) => (items.length > 1 ? lost : undefined));
      const commit = new GroupCommit(write, { maxGroup: 100, maxInFlight: 1 });
      const results = await Promise.allSettled([1, 2, 3].map((n) => commit.run(n)));
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
      expect(groups).toEqual([[1], [2, 3]]);
    }
  });
});
