import { describe, expect, it, vi } from 'vitest';
import { QrConfirmationWorker } from './qr-confirmation.worker';

/** One query's job against a QR still open at DOKU, far from its deadline. */
function worker() {
  const schedule = vi.fn().mockResolvedValue(undefined);
  const payment = { id: 'p1', status: 'PENDING', validUpTo: '2099-01-01T00:00:00+07:00' };
  const w = new QrConfirmationWorker(
    { findById: vi.fn().mockResolvedValue(payment) } as never,
    { check: vi.fn().mockResolvedValue({ payment }) } as never,
    { schedule } as never,
    {} as never,
    {} as never,
    {} as never,
    undefined as never,
  );
  return { w, schedule };
}

describe('QrConfirmationWorker.confirm', () => {
  it("queues the chain's next step while the QR is open", async () => {
    const { w, schedule } = worker();
    expect(await w.confirm({ paymentId: 'p1', step: 4 })).toBe('open');
    expect(schedule).toHaveBeenCalledWith('p1', 5);
  });

  it("a notification's one-off query queues nothing: no second chain doubling the queries", async () => {
    const { w, schedule } = worker();
    await w.confirm({ paymentId: 'p1', step: 0, once: true });
    expect(schedule).not.toHaveBeenCalled();
  });
});
