import { describe, expect, it } from 'vitest';
import { nextQuery, parseCadence, queryAt, stepAt } from './qris-cadence';

const cadence = parseCadence('2000*3,5000*2,60000')!;

describe('the QRIS query cadence', () => {
  it('reads waits with counts; refuses what is not one', () => {
    expect(cadence.steps).toEqual([2000, 2000, 2000, 5000, 5000, 60000]);
    for (const bad of ['', '2000*', '2000*0', '5', 'fast', '2000,,5000', '-2000'])
      expect(parseCadence(bad), bad).toBeUndefined();
  });

  it('places each query from the QR making, the last wait repeated', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((s) => queryAt(cadence, s))).toEqual([
      2000, 4000, 6000, 11000, 16000, 76000, 136000, 196000,
    ]);
  });

  it('the step due next at an age is the first whose time is after it', () => {
    expect(stepAt(cadence, 0)).toBe(0);
    expect(stepAt(cadence, 1999)).toBe(0);
    expect(stepAt(cadence, 2000)).toBe(1);
    expect(stepAt(cadence, 15000)).toBe(4);
    expect(stepAt(cadence, 200000)).toBe(8);
  });

  it('the next query keeps to its time whatever the last one took, and skips what was missed', () => {
    expect(nextQuery(cadence, 2300, 0)).toEqual({ step: 1, delayMs: 1700 });
    // Early (a hint's query is not a step): still the next step, at its time.
    expect(nextQuery(cadence, 500, 0)).toEqual({ step: 1, delayMs: 3500 });
    // Far behind: not step 2 at once, but the step due after now.
    expect(nextQuery(cadence, 12000, 1)).toEqual({ step: 4, delayMs: 4000 });
  });
});
