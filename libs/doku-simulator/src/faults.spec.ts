import { describe, expect, it } from 'vitest';
import { faultedAnswer, FaultQueue, normalizeFault } from './faults';
import { answer } from './snap-answer';

describe('faults', () => {
  it('defaults when to after for timeout and delay, before otherwise', () => {
    expect(normalizeFault({ operation: 'refund', kind: 'timeout', count: 1 }).when).toBe('after');
    expect(normalizeFault({ operation: 'refund', kind: 'delay', count: 1 }).when).toBe('after');
    expect(normalizeFault({ operation: 'refund', kind: 'http500', count: 1 }).when).toBe('before');
    expect(
      normalizeFault({ operation: 'refund', kind: 'http500', count: 1, when: 'after' }).when,
    ).toBe('after');
  });

  it('consumes faults per operation, in order, count times', () => {
    const queue = new FaultQueue();
    queue.add({ operation: 'refund', kind: 'http500', count: 2 });
    queue.add({ operation: 'refund', kind: 'http429', count: 1 });
    queue.add({ operation: 'check_status', kind: 'malformed', count: 1 });
    expect(queue.take('payment')).toBeUndefined();
    expect(
      ['http500', 'http500', 'http429', undefined].map(() => queue.take('refund')?.kind),
    ).toEqual(['http500', 'http500', 'http429', undefined]);
    expect(queue.list()).toHaveLength(1);
  });

  it('builds the faulty answers with the operation service code', () => {
    const real = answer('2005800', 'Successful', { refundNo: '1' });
    const base = { operation: 'refund' as const, remaining: 0 };
    expect(
      faultedAnswer({ ...base, kind: 'http500', when: 'after' }, 'refund', real).answer
        .responseCode,
    ).toBe('5005800');
    expect(
      faultedAnswer({ ...base, kind: 'http429', when: 'before' }, 'refund', undefined).answer
        .status,
    ).toBe(429);
    const held = faultedAnswer({ ...base, kind: 'timeout', when: 'after' }, 'refund', real);
    expect(held).toMatchObject({
      holdMs: 60_000,
      answer: { status: 504, responseCode: '5045800' },
    });
    expect(
      faultedAnswer({ ...base, kind: 'delay', when: 'after', delayMs: 5 }, 'refund', real),
    ).toEqual({ answer: real, holdMs: 5 });
    const garbled = faultedAnswer(
      { ...base, kind: 'malformed', when: 'after' },
      'refund',
      real,
    ).answer;
    expect(garbled.status).toBe(200);
    expect(() => JSON.parse(garbled.body)).toThrow();
  });
});
