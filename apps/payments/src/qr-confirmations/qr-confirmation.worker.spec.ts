import { describe, expect, it, vi } from 'vitest';
import { parseCadence } from '../config/qris-cadence';
import { MetricsService } from '../metrics/metrics.service';
import { QrConfirmationWorker } from './qr-confirmation.worker';

/** One query's job against a QR made `ageMs` ago, still open at DOKU, far from its deadline. */
function worker(ageMs = 9_000) {
  const schedule = vi.fn().mockResolvedValue(undefined);
  const payment = {
    id: 'p1',
    status: 'PENDING',
    validUpTo: '2099-01-01T00:00:00+07:00',
    createdAt: new Date(Date.now() - ageMs),
  };
  const w = new QrConfirmationWorker(
    { findById: vi.fn().mockResolvedValue(payment) } as never,
    { check: vi.fn().mockResolvedValue({ payment }) } as never,
    { schedule } as never,
    {} as never,
    new MetricsService(),
    { qrisQueryCadence: parseCadence('2000*15,5000*12,30000*6,120000')! } as never,
    undefined as never,
  );
  return { w, schedule };
}

describe('QrConfirmationWorker.confirm', () => {
  it("queues the chain's next step while the QR is open, due when the cadence says from the QR's making", async () => {
    // Query 3 was due at 8 s and ran late, at 9 s: query 4 is still due at 10 s, not 11.
    const { w, schedule } = worker(9_000);
    expect(await w.confirm({ paymentId: 'p1', step: 3 })).toBe('open');
    expect(schedule).toHaveBeenCalledOnce();
    const [id, step, delayMs] = schedule.mock.calls[0] as [string, number, number];
    expect([id, step]).toEqual(['p1', 4]);
    expect(delayMs).toBeGreaterThan(900);
    expect(delayMs).toBeLessThanOrEqual(1_000);
  });

  it('a chain far behind skips the queries it missed instead of making them in a burst', async () => {
    // Query 3 ran 40 s after the QR was made (the queue was stuck): the next is the one due at
    // 45 s (step 17), not step 4.
    const { w, schedule } = worker(40_000);
    await w.confirm({ paymentId: 'p1', step: 3 });
    const [, step, delayMs] = schedule.mock.calls[0] as [string, number, number];
    expect(step).toBe(17);
    expect(delayMs).toBeGreaterThan(4_900);
    expect(delayMs).toBeLessThanOrEqual(5_000);
  });

  it("a notification's one-off query queues nothing: no second chain doubling the queries", async () => {
    const { w, schedule } = worker();
    await w.confirm({ paymentId: 'p1', step: 0, once: true });
    expect(schedule).not.toHaveBeenCalled();
  });
});
