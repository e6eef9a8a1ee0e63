import { describe, expect, it } from 'vitest';
import { LOG_CAPACITY, Recorder } from './recorder';
import type { LogEntry } from './types';

const entry = (n: number): LogEntry => ({
  at: '',
  operation: 'refund',
  method: 'POST',
  path: '/',
  headers: {},
  body: String(n),
  httpStatus: 200,
  responseCode: '2005800',
});

describe('Recorder', () => {
  it('keeps only the last LOG_CAPACITY entries, oldest first', () => {
    const recorder = new Recorder();
    for (let i = 0; i < LOG_CAPACITY + 5; i++) recorder.log(entry(i));
    const all = recorder.logEntries();
    expect(all).toHaveLength(LOG_CAPACITY);
    expect(all[0].body).toBe('5');
    expect(all[LOG_CAPACITY - 1].body).toBe(String(LOG_CAPACITY + 4));
    expect(recorder.logEntries(2).map((e) => e.body)).toEqual([
      String(LOG_CAPACITY + 3),
      String(LOG_CAPACITY + 4),
    ]);
  });

  it('counts refunds per partnerRefundNo and hands out copies', () => {
    const recorder = new Recorder();
    recorder.refundExecuted('RF-1', 'ORD-1', '10.00');
    const snapshot = recorder.snapshot();
    snapshot.refundsExecuted['RF-1'] = 99;
    expect(recorder.snapshot()).toMatchObject({
      refundsExecuted: { 'RF-1': 1 },
      refundsExecutedTotal: 1,
      refundedTotals: { 'ORD-1': '10.00' },
    });
  });
});
