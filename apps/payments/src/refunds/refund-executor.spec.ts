import { UnrecoverableError } from 'bullmq';
import { describe, expect, it, vi } from 'vitest';
import type { DokuSnapClient } from '@app/doku-snap';
import type { PaymentEntity, RefundEntity, RefundsRepository } from '@app/persistence';
import type { ExternalIdService } from '../doku/external-id.service';
import { MetricsService } from '../metrics/metrics.service';
import type { PaymentStatusService } from '../payments/payment-status.service';
import { RefundExecutor, RefundRetryableError } from './refund-executor.service';

const refund = {
  id: 'r1',
  partnerRefundNo: 'RFD-1',
  requestBody: '{}',
  externalId: '1',
} as RefundEntity;
const payment = { id: 'p1', deviceId: 'device1', ipAddress: null } as PaymentEntity;

/**
 * A resend (the refund's second claim) that DOKU refuses, and DOKU's status answer for the
 * payment as given. Real refunds reach this through faults the simulator cannot make (a history
 * without the field, an entry in another state); test/refunds.e2e-spec.ts covers the others.
 */
function refusedResend(status: unknown) {
  const refunds = {
    claim: vi.fn().mockResolvedValue({ state: 'processing', refund, payment, resumed: true }),
    markFailed: vi.fn().mockResolvedValue({ refund, changed: true }),
    markSucceeded: vi.fn().mockResolvedValue({ refund, changed: true }),
    noteProblem: vi.fn().mockResolvedValue(undefined),
  };
  const client = {
    refund: vi.fn().mockResolvedValue({
      outcome: { kind: 'failure', ambiguous: false, replay: false },
      httpStatus: 403,
      responseCode: '4035815',
      responseMessage: 'Transaction Not Permitted',
    }),
  };
  const statuses = { query: vi.fn().mockResolvedValue(status) };
  const externalIds = { draw: () => '2', today: () => ({ partnerId: 'x', jakartaDay: 'd' }) };
  const executor = new RefundExecutor(
    refunds as unknown as RefundsRepository,
    client as unknown as DokuSnapClient,
    externalIds as unknown as ExternalIdService,
    new MetricsService(),
    statuses as unknown as PaymentStatusService,
  );
  return { run: () => executor.execute('r1'), refunds, statuses };
}

const answered = (body: Record<string, unknown>) => ({
  outcome: { kind: 'success', ambiguous: false, replay: false },
  httpStatus: 200,
  body,
});

describe('a refused resend', () => {
  it('is final when DOKU lists the refund as failed, or answers with no history at all', async () => {
    for (const body of [
      { refundHistory: [{ partnerReferenceNo: 'RFD-1', refundStatus: 'FAILED' }] },
      { latestTransactionStatus: '00' },
    ]) {
      const { run, refunds, statuses } = refusedResend(answered(body));
      await expect(run()).rejects.toBeInstanceOf(UnrecoverableError);
      expect(refunds.markFailed).toHaveBeenCalledWith('r1', '4035815', 'Transaction Not Permitted');
      // The answer read before the resend settles it: no second status call.
      expect(statuses.query).toHaveBeenCalledTimes(1);
    }
  });

  it('settles as done when DOKU lists it as a success', async () => {
    const { run, refunds } = refusedResend(
      answered({
        refundHistory: [{ partnerReferenceNo: 'RFD-1', refundStatus: 'SUCCESS', refundNo: 'D1' }],
      }),
    );
    expect(await run()).toBe('SUCCEEDED');
    expect(refunds.markSucceeded).toHaveBeenCalledWith('r1', 'D1');
    expect(refunds.markFailed).not.toHaveBeenCalled();
  });

  it('stays open while DOKU lists it in another state or gives no status', async () => {
    for (const status of [
      answered({ refundHistory: [{ partnerReferenceNo: 'RFD-1', refundStatus: 'PENDING' }] }),
      undefined,
    ]) {
      const { run, refunds, statuses } = refusedResend(status);
      await expect(run()).rejects.toBeInstanceOf(RefundRetryableError);
      // Asked again after the refusal: it could not tell before the resend.
      expect(statuses.query).toHaveBeenCalledTimes(2);
      expect(refunds.markFailed).not.toHaveBeenCalled();
      expect(refunds.noteProblem).toHaveBeenCalledWith(
        'r1',
        '4035815',
        'Transaction Not Permitted',
      );
    }
  });
});
