import { describe, expect, it } from 'vitest';
import { TokenRequestError } from '@app/doku-snap';
import { done, fakePayment, fakes, refused } from '../../test/fakes';
import { PaymentStatusService } from './payment-status.service';

function service(answer: unknown) {
  const f = fakes();
  f.inquiry.ask.mockResolvedValue(answer);
  return {
    statuses: new PaymentStatusService(
      f.inquiry as never,
      f.payments as never,
      f.channels,
      f.metrics,
      f.late as never,
    ),
    f,
  };
}

const discrepancies = async (f: ReturnType<typeof fakes>) =>
  (await f.metrics.paymentDiscrepancies.get()).values.map((v) => [v.labels.kind, v.value]);

describe('PaymentStatusService.check', () => {
  it("applies DOKU's paid status with its payment time and reference", async () => {
    const { statuses, f } = service(
      done({
        latestTransactionStatus: '00',
        transAmount: { value: '15000.00', currency: 'IDR' },
        paidTime: '2026-12-01T10:00:00+07:00',
        originalReferenceNo: 'DOKU-1',
      }),
    );
    const outcome = await statuses.check(fakePayment(), 'status_check');
    expect(f.payments.changeStatus).toHaveBeenCalledWith(
      'p1',
      expect.objectContaining({
        to: 'PAID',
        source: 'status_check',
        referenceNo: 'DOKU-1',
        paidAt: new Date('2026-12-01T03:00:00Z'),
      }),
    );
    expect(outcome).toMatchObject({ changed: true, reported: { state: 'PAID' } });
    expect(f.payments.markStatusChecked).toHaveBeenCalledWith('p1', {
      responseCode: null,
      transactionStatus: '00',
    });
  });

  it('never marks paid with another amount: counted as a discrepancy', async () => {
    const { statuses, f } = service(
      done({ latestTransactionStatus: '00', transAmount: { value: '1.00', currency: 'IDR' } }),
    );
    expect(await statuses.check(fakePayment(), 'reconciliation')).toMatchObject({ changed: false });
    expect(f.payments.changeStatus).not.toHaveBeenCalled();
    expect(await discrepancies(f)).toEqual([['amount_mismatch', 1]]);
    // DOKU holds money for it: the late-payment policy takes it from there.
    expect(f.late.reportedPaid).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'p1' }),
      expect.objectContaining({
        source: 'reconciliation',
        amount: { value: '1.00', currency: 'IDR' },
      }),
    );
  });

  it('a final status contradicted is counted, not applied', async () => {
    const { statuses, f } = service(done({ latestTransactionStatus: '06' }));
    f.payments.changeStatus.mockResolvedValue({
      payment: fakePayment({ status: 'PAID' }),
      changed: false,
      from: 'PAID',
      conflict: true,
    });
    await statuses.check(fakePayment(), 'status_check');
    expect(await discrepancies(f)).toEqual([['final_status_conflict', 1]]);
    // Reported failed, not paid: no money to return.
    expect(f.late.reportedPaid).not.toHaveBeenCalled();
  });

  it('records what DOKU said: its code and the transaction status', async () => {
    const { statuses, f } = service(
      done({ responseCode: '2005500', latestTransactionStatus: '03' }),
    );
    await statuses.check(fakePayment(), 'status_check');
    expect(f.payments.markStatusChecked).toHaveBeenCalledWith('p1', {
      responseCode: null,
      transactionStatus: '03',
    });
  });

  it('Transaction Not Found (404xx01) is notFound; another 404 is not', async () => {
    const { statuses } = service(refused('4045501', 'Transaction Not Found'));
    expect(await statuses.check(fakePayment(), 'reconciliation')).toMatchObject({ notFound: true });
    const other = service(refused('4045508', 'Invalid Merchant'));
    expect(await other.statuses.check(fakePayment(), 'reconciliation')).toMatchObject({
      notFound: false,
    });
  });

  it('without a token nothing was asked: the payment is not marked checked', async () => {
    const token = new TokenRequestError('no token', {
      kind: 'retry_later',
      ambiguous: true,
      replay: false,
    });
    const { statuses, f } = service({ kind: 'unavailable', reason: 'no token', token });
    expect(await statuses.check(fakePayment(), 'reconciliation')).toMatchObject({ changed: false });
    expect(f.payments.markStatusChecked).not.toHaveBeenCalled();
  });
});
