import { describe, expect, it } from 'vitest';
import { fakeRefund, fakes } from '../../test/fakes';
import { refusalOf, RefundAcceptance, RefundRefusedError } from './refund-acceptance';

const paid = {
  status: 'PAID',
  channel: 'DANA',
  currency: 'IDR',
  amountValue: '10000.00',
  refundCommittedAmount: '7500.00',
  dokuPaidAmount: null,
};
const outbox = { queue: 'refunds', name: 'refund', jobId: (id: string) => `refund-${id}` };
const input = { paymentId: 'p1', amountValue: '2500.00', currency: 'IDR', partnerRefundNo: 'R1' };

describe('why a payment does not take a refund', () => {
  it.each([
    ['no payment', undefined, '1.00', 'PAYMENT_NOT_FOUND'],
    ['not paid', { ...paid, status: 'PENDING' }, '1.00', 'PAYMENT_NOT_PAID'],
    ['another currency', { ...paid, currency: 'USD' }, '1.00', 'CURRENCY_MISMATCH'],
    ['more than is left', paid, '2500.01', 'EXCEEDS_REFUNDABLE'],
  ])('%s', (_why, payment, amountValue, reason) => {
    expect(refusalOf({ currency: 'IDR', amountValue }, payment)).toMatchObject({ reason });
  });

  it('a payment closed but paid at DOKU refunds up to what DOKU took', () => {
    const late = {
      ...paid,
      status: 'EXPIRED',
      refundCommittedAmount: '0.00',
      dokuPaidAmount: '9000.00',
    };
    expect(refusalOf({ currency: 'IDR', amountValue: '9000.00' }, late)).toBeUndefined();
    expect(refusalOf({ currency: 'IDR', amountValue: '9000.01' }, late)?.refundable).toBe(
      '9000.00',
    );
  });

  it('says what is left; all of it is still taken', () => {
    expect(refusalOf({ currency: 'IDR', amountValue: '2500.01' }, paid)?.refundable).toBe(
      '2500.00',
    );
    expect(refusalOf({ currency: 'IDR', amountValue: '2500.00' }, paid)).toBeUndefined();
  });
});

describe('RefundAcceptance', () => {
  it('asks again when the payment would take it now (a refund failed in between)', async () => {
    const f = fakes();
    const accepted = { refund: fakeRefund(), outboxJobId: 'o1', payment: {} };
    f.refunds.accept.mockResolvedValueOnce(undefined).mockResolvedValueOnce(accepted);
    f.refunds.refundablePayment.mockResolvedValue(paid);
    expect(await new RefundAcceptance(f.refunds as never).accept(input, outbox)).toBe(accepted);
    const [first, second] = f.refunds.accept.mock.calls;
    // Each round is a new refund id, its outbox job named after it.
    expect(first[0].id).not.toBe(second[0].id);
    expect(second[0]).toMatchObject({
      jobId: `refund-${second[0].id}`,
      jobData: { refundId: second[0].id },
    });
  });

  it('throws why it was refused', async () => {
    const f = fakes();
    f.refunds.accept.mockResolvedValue(undefined);
    f.refunds.refundablePayment.mockResolvedValue({ ...paid, status: 'FAILED' });
    await expect(new RefundAcceptance(f.refunds as never).accept(input, outbox)).rejects.toEqual(
      new RefundRefusedError('PAYMENT_NOT_PAID'),
    );
  });
});
