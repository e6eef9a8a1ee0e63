import { describe, expect, it } from 'vitest';
import { danaChannel as DANA } from '../channels/dana.channel';
import { qrisChannel } from '../channels/qris.channel';
import { refundRequestBody } from './refund-request';

const payment = {
  partnerReferenceNo: 'ORDER-1',
  externalId: '123456789012345678901234',
  referenceNo: null,
  channelInput: {},
};
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

  it("QRIS names DOKU's reference of the QR and the payment's merchant", () => {
    const qr = { ...payment, referenceNo: 'R-1', channelInput: { merchantId: '936000123' } };
    expect(JSON.parse(refundRequestBody(qrisChannel, refund(null), qr))).toEqual({
      originalPartnerReferenceNo: 'ORDER-1',
      originalReferenceNo: 'R-1',
      partnerRefundNo: 'RFD-1',
      refundAmount: { value: '1000.00', currency: 'IDR' },
      merchantId: '936000123',
    });
  });
});
