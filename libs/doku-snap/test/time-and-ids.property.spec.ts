import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jakartaDay, parseSnapTimestamp, snapTimestamp } from '../src/clock';
import { createExternalIdGenerator, isValidExternalId } from '../src/external-id';

const SNAP_TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/;
/** The last instant whose Jakarta year still has four digits. */
const MAX_MS = Date.UTC(9999, 11, 31, 16, 59, 59, 999);

describe('the host time zone is exotic on purpose', () => {
  it('runs under Pacific/Chatham (+12:45/+13:45), not UTC', () => {
    expect(process.env.TZ).toBe('Pacific/Chatham');
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe('Pacific/Chatham');
    expect(new Date(Date.UTC(2024, 6, 1)).getTimezoneOffset()).toBe(-765);
    expect(new Date(Date.UTC(2024, 0, 1)).getTimezoneOffset()).toBe(-825);
  });
});

describe('snapTimestamp', () => {
  it('is always YYYY-MM-DDTHH:mm:ss+07:00 and parses back to the same second', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_MS }), (ms) => {
        const ts = snapTimestamp(ms);
        expect(ts).toMatch(SNAP_TIMESTAMP_RE);
        expect(parseSnapTimestamp(ts)).toBe(Math.floor(ms / 1000) * 1000);
      }),
      { numRuns: 2000 },
    );
  });

  it('shows Jakarta wall time for known instants', () => {
    expect(snapTimestamp(Date.UTC(2024, 4, 17, 7, 12, 50, 999))).toBe('2024-05-17T14:12:50+07:00');
    expect(snapTimestamp(Date.UTC(2024, 11, 31, 17, 0, 0))).toBe('2025-01-01T00:00:00+07:00');
  });

  it('jakartaDay changes at 17:00 UTC', () => {
    expect(jakartaDay(Date.UTC(2024, 4, 17, 16, 59, 59, 999))).toBe('2024-05-17');
    expect(jakartaDay(Date.UTC(2024, 4, 17, 17, 0, 0))).toBe('2024-05-18');
  });
});

describe('parseSnapTimestamp', () => {
  it.each([
    ['2024-05-17T14:12:50+07:00', Date.UTC(2024, 4, 17, 7, 12, 50)],
    ['2024-05-17T07:12:50Z', Date.UTC(2024, 4, 17, 7, 12, 50)],
    ['2024-05-17T02:12:50-05:00', Date.UTC(2024, 4, 17, 7, 12, 50)],
    ['2024-05-17T14:12:50.123+07:00', Date.UTC(2024, 4, 17, 7, 12, 50, 123)],
  ])('%s', (text, ms) => {
    expect(parseSnapTimestamp(text)).toBe(ms);
  });

  it.each([
    '2024-05-17T14:12:50',
    '2024-05-17 14:12:50+07:00',
    '2024-02-30T10:00:00+07:00',
    '2024-13-01T10:00:00+07:00',
    '2024-05-17T24:00:00+07:00',
    '2024-05-17T14:12:50+0700',
    '',
  ])('rejects %j', (text) => {
    expect(parseSnapTimestamp(text)).toBeNull();
  });
});

describe('X-EXTERNAL-ID', () => {
  it('is numeric and at most 36 digits for any clock reading', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_999_999 }), (ms) => {
        const id = createExternalIdGenerator({ now: () => ms }).next();
        expect(id).toMatch(/^\d{1,36}$/);
        expect(isValidExternalId(id)).toBe(true);
      }),
    );
  });

  it('100,000 drawn in the same millisecond are all distinct', () => {
    const generator = createExternalIdGenerator({ now: () => 1_715_931_170_000 });
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      const id = generator.next();
      expect(id.length <= 36 && /^\d+$/.test(id)).toBe(true);
      seen.add(id);
    }
    expect(seen.size).toBe(100_000);
  });

  it('two generators (two processes) in the same millisecond do not collide', () => {
    const clock = { now: () => 1_715_931_170_000 };
    const a = createExternalIdGenerator(clock);
    const b = createExternalIdGenerator(clock);
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      seen.add(a.next());
      seen.add(b.next());
    }
    expect(seen.size).toBe(40_000);
  });

  it('isValidExternalId refuses letters, signs and 37 digits', () => {
    for (const bad of ['12a', '-1', '1'.repeat(37), '', ' 1'])
      expect(isValidExternalId(bad)).toBe(false);
  });
});
