import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../src/repositories/group-commit';

/** A write that records the groups it was given and answers each item doubled. */
function recorder(fail?: (items: number[]) => boolean) {
  const groups: number[][] = [];
  const write = async (items: number[]) => {
    groups.push(items);
    await new Promise((r) => setTimeout(r, 5));
    if (fail?.(items)) throw new Error(`refused ${items.join(',')}`);
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

  it('a failing group is written again item by item: only the bad item fails', async () => {
    const { groups, write } = recorder((items) => items.includes(3));
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
});
