import { describe, expect, it } from 'vitest';
import { refundRequestBody } from './refund-request';

const payment = { partnerReferenceNo: 'ORDER-1', externalId: '123456789012345678901234' };
const refund = (reason: string | null) => ({
  partnerRefundNo: 'RFD-1',
  amountValue: '1000.00',
  currency: 'IDR',
  reason,
});

describe('refundRequestBody', () => {
  it('sends the reason when there is one', () => {
    expect(JSON.parse(refundRequestBody(refund('Item out of stock'), payment))).toMatchObject({
      reason: 'Item out of stock',
    });
  });

  it('sends an empty reason (stored before the API refused it) as no reason, rather than never sending the refund', () => {
    // DOKU takes 1-255 characters: building a body with '' throws, and the refund would stay open.
    const body = refundRequestBody(refund(''), payment);
    expect(JSON.parse(body)).not.toHaveProperty('reason');
    expect(body).toBe(refundRequestBody(refund(null), payment));
  });
});
