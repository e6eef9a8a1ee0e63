import { describe, expect, it } from 'vitest';
import { DANA } from '@app/doku-snap';
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
    expect(JSON.parse(refundRequestBody(DANA, refund('Item out of stock'), payment))).toMatchObject(
      {
        reason: 'Item out of stock',
      },
    );
  });

  it('sends an empty reason (stored before the API refused it) as no reason, rather than never sending the refund', () => {
    // DOKU takes 1-255 characters: building a body with '' throws, and the refund would stay open.
    const body = refundRequestBody(DANA, refund(''), payment);
    expect(JSON.parse(body)).not.toHaveProperty('reason');
    expect(body).toBe(refundRequestBody(DANA, refund(null), payment));
  });
});
