import { describe, expect, it } from 'vitest';
import { DELIVERY_ATTEMPTS, nextAttemptDelayMs, retryAfterMs } from './delivery-schedule';

const now = new Date('2026-12-05T10:00:00Z');
const at = (random: number) => ({ random: () => random });

describe('when a failed delivery is tried again', () => {
  it('spans more than three days over ten attempts, each delay within ±20%', () => {
    let least = 0;
    let most = 0;
    for (let attempt = 1; attempt < DELIVERY_ATTEMPTS; attempt++) {
      least += nextAttemptDelayMs({ attempt, status: 503 }, now, at(0))!;
      most += nextAttemptDelayMs({ attempt, status: 503 }, now, at(1))!;
    }
    expect(DELIVERY_ATTEMPTS).toBe(10);
    const exact = (5 + 300 + 1_800 + 7_200 + 18_000 + 36_000 + 50_400 + 72_000 + 86_400) * 1000;
    expect(least).toBeCloseTo(exact * 0.8, -3);
    expect(most).toBeCloseTo(exact * 1.2, -3);
    expect(exact).toBeGreaterThan(3 * 86_400_000);
    expect(nextAttemptDelayMs({ attempt: 1, status: 500 }, now, at(0.5))).toBe(5_000);
  });

  it('gives up after the tenth attempt', () => {
    expect(nextAttemptDelayMs({ attempt: DELIVERY_ATTEMPTS, status: 503 }, now)).toBeUndefined();
  });

  it('waits at least a minute after a timeout or a 429', () => {
    expect(nextAttemptDelayMs({ attempt: 1, timedOut: true }, now, at(0.5))).toBe(60_000);
    expect(nextAttemptDelayMs({ attempt: 1, status: 429 }, now, at(0.5))).toBe(60_000);
    expect(nextAttemptDelayMs({ attempt: 3, status: 429 }, now, at(0.5))).toBe(1_800_000);
  });

  it('honours Retry-After within [base, 2 x base]: slowed, never stalled', () => {
    const base = 300_000; // the second retry
    expect(nextAttemptDelayMs({ attempt: 2, status: 503, retryAfter: '400' }, now)).toBe(400_000);
    expect(nextAttemptDelayMs({ attempt: 2, status: 503, retryAfter: '1' }, now)).toBe(base);
    expect(nextAttemptDelayMs({ attempt: 2, status: 503, retryAfter: '999999' }, now)).toBe(
      2 * base,
    );
  });

  it('shrinks by a scale for tests, jitter and floors alike', () => {
    expect(
      nextAttemptDelayMs({ attempt: 2, status: 503 }, now, { scale: 0.001, random: () => 0.5 }),
    ).toBe(300);
    expect(
      nextAttemptDelayMs({ attempt: 1, status: 429 }, now, { scale: 0.001, random: () => 0.5 }),
    ).toBe(60);
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, and nothing else', () => {
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Sat, 05 Dec 2026 10:02:00 GMT', now)).toBe(120_000);
    expect(retryAfterMs('Sat, 05 Dec 2026 09:00:00 GMT', now)).toBe(0);
    for (const bad of [undefined, '', '-5', '1.5', 'soon', '2026-12-05']) {
      expect(retryAfterMs(bad, now)).toBeUndefined();
    }
  });
});
