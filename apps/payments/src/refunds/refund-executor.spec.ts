import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { done, fakePayment, fakeRefund, fakes, refused, unknown } from '../../test/fakes';
import type { WalletBindingEntity } from '@app/persistence';
import { CustomerContexts } from '../wallet-bindings/customer-contexts';
import { BindingNotActiveError } from '../wallet-bindings/customer-tokens';
import { RefundExecutor, RefundRetryableError } from './refund-executor.service';

const refund = fakeRefund();
const payment = fakePayment();

/**
 * A resend (the refund's second claim) that DOKU refuses, and DOKU's status answer for the
 * payment as given. Real refunds reach this through faults the simulator cannot make (a history
 * without the field, an entry in another state); test/refunds.e2e-spec.ts covers the others.
 */
function refusedResend(status: unknown) {
  const f = fakes();
  f.claims.claim.mockResolvedValue({ state: 'processing', refund, payment, resumed: true });
  f.gateway.call.mockResolvedValue(refused('4035815', 'Transaction Not Permitted'));
  f.inquiry.ask.mockResolvedValue(status);
  const executor = new RefundExecutor(
    f.refunds as never,
    f.claims as never,
    f.gateway as never,
    f.channels,
    f.externalIds as never,
    f.metrics,
    f.inquiry as never,
    new CustomerContexts(f.channels, {} as never),
  );
  return { run: () => executor.execute('r1'), refunds: f.refunds, statuses: f.inquiry };
}

const answered = (body: Record<string, unknown>) => done(body);

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
      expect(statuses.ask).toHaveBeenCalledTimes(1);
    }
  });

  it('settles as done when DOKU lists it as a success', async () => {
    const { run, refunds } = refusedResend(
      answered({
        refundHistory: [{ partnerReferenceNo: 'RFD-1', refundStatus: 'SUCCESS', refundNo: 'D1' }],
      }),
    );
    expect(await run()).toBe('SUCCEEDED');
    expect(refunds.markSucceeded).toHaveBeenCalledWith('r1', 'D1', 'doku_status');
    expect(refunds.markFailed).not.toHaveBeenCalled();
  });

  it('stays open while DOKU lists it in another state or gives no status', async () => {
    for (const status of [
      answered({ refundHistory: [{ partnerReferenceNo: 'RFD-1', refundStatus: 'PENDING' }] }),
      unknown(),
    ]) {
      const { run, refunds, statuses } = refusedResend(status);
      await expect(run()).rejects.toBeInstanceOf(RefundRetryableError);
      // Asked again after the refusal: it could not tell before the resend.
      expect(statuses.ask).toHaveBeenCalledTimes(2);
      expect(refunds.markFailed).not.toHaveBeenCalled();
      expect(refunds.noteProblem).toHaveBeenCalledWith(
        'r1',
        '4035815',
        'Transaction Not Permitted',
      );
    }
  });
});

describe("a bound wallet's refund whose binding is gone", () => {
  function withBindingGone(resumed: boolean, status: unknown) {
    const f = fakes();
    f.claims.claim.mockResolvedValue({ state: 'processing', refund, payment, resumed });
    f.inquiry.ask.mockResolvedValue(status);
    const gone = new BindingNotActiveError(fakeBinding());
    const customers = { of: async () => Promise.reject(gone) } as unknown as CustomerContexts;
    const executor = new RefundExecutor(
      f.refunds as never,
      f.claims as never,
      f.gateway as never,
      f.channels,
      f.externalIds as never,
      f.metrics,
      f.inquiry as never,
      customers,
    );
    return { run: () => executor.execute('r1'), refunds: f.refunds, gateway: f.gateway };
  }

  it('fails at its first claim: nothing was sent, DOKU takes no refund without the token', async () => {
    const { run, refunds, gateway } = withBindingGone(false, unknown());
    await expect(run()).rejects.toBeInstanceOf(UnrecoverableError);
    expect(refunds.markFailed).toHaveBeenCalledWith('r1', 'BINDING_NOT_ACTIVE', expect.any(String));
    expect(gateway.call).not.toHaveBeenCalled();
  });

  it('stays open when resumed and DOKU could not say whether an earlier call refunded', async () => {
    const { run, refunds } = withBindingGone(true, unknown());
    await expect(run()).rejects.toBeInstanceOf(RefundRetryableError);
    expect(refunds.markFailed).not.toHaveBeenCalled();
  });

  it('fails when resumed and DOKU lists no such refund', async () => {
    const { run, refunds } = withBindingGone(true, answered({ refundHistory: [] }));
    await expect(run()).rejects.toBeInstanceOf(UnrecoverableError);
    expect(refunds.markFailed).toHaveBeenCalled();
  });
});

function fakeBinding(): WalletBindingEntity {
  return { id: 'b1', status: 'UNBOUND' } as WalletBindingEntity;
}
