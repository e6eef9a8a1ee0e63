import { describe, expect, it } from 'vitest';
import { systemClock } from '@app/doku-snap';
import { done, fakePayment, fakes, unknown } from '../../test/fakes';
import { DEFAULT_RECONCILIATION_OPTIONS } from './reconciliation.options';
import { ReconciliationService } from './reconciliation.service';

const created = new Date('2026-12-01T00:00:00Z');
const payment = fakePayment({ createdAt: created, validUpTo: '2026-12-01T08:00:00+07:00' });
const afterDeadline = Date.parse('2026-12-01T01:05:00Z');
const beforeDeadline = Date.parse('2026-12-01T00:30:00Z');

function reconcile(check: Record<string, unknown>, nowMs: number) {
  const f = fakes();
  f.payments.claimForReconciliation.mockResolvedValue([payment]);
  f.statuses.check.mockResolvedValue({ payment, changed: false, notFound: false, ...check });
  const service = new ReconciliationService(
    f.payments as never,
    f.statuses as never,
    DEFAULT_RECONCILIATION_OPTIONS,
    systemClock,
    f.metrics,
  );
  return { run: service.runOnce(nowMs), f };
}

describe('ReconciliationService', () => {
  it('expires a payment past its deadline that DOKU reports unfinished', async () => {
    const { run, f } = reconcile(
      {
        answer: done({ latestTransactionStatus: '03' }),
        reported: { latestTransactionStatus: '03' },
      },
      afterDeadline,
    );
    expect(await run).toMatchObject({ expired: 1 });
    const verdicts = (await f.metrics.reconciledPayments.get()).values;
    expect(verdicts.map((v) => [v.labels.verdict, v.value])).toEqual([['expired', 1]]);
    expect(f.payments.changeStatus).toHaveBeenCalledWith(
      'p1',
      expect.objectContaining({
        to: 'EXPIRED',
        detail: expect.objectContaining({
          reason: 'valid_up_to_passed',
          latestTransactionStatus: '03',
        }),
      }),
    );
  });

  it('leaves it PENDING before its deadline, when DOKU cannot be asked, or says paid', async () => {
    for (const [check, now] of [
      [
        {
          answer: done({ latestTransactionStatus: '03' }),
          reported: { latestTransactionStatus: '03' },
        },
        beforeDeadline,
      ],
      [{ answer: unknown() }, afterDeadline],
      [
        {
          answer: done({ latestTransactionStatus: '00' }),
          reported: { latestTransactionStatus: '00', state: 'PAID' },
        },
        afterDeadline,
      ],
    ] as const) {
      const { run, f } = reconcile(check, now);
      expect(await run).toMatchObject({ pending: 1, expired: 0 });
      expect(f.payments.changeStatus).not.toHaveBeenCalled();
    }
  });

  it('expires one DOKU does not know (404xx01)', async () => {
    const { run } = reconcile({ answer: unknown(), notFound: true }, afterDeadline);
    expect(await run).toMatchObject({ expired: 1 });
  });
});
