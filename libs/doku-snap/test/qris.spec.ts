import { describe, expect, it } from 'vitest';
import { compactJson } from '../src/signing/json';
import { SnapValidationError } from '../src/errors';
import {
  buildQrisCancelBody,
  buildQrisGenerateBody,
  buildQrisQueryBody,
  buildQrisRefundBody,
} from '../src/operations/qris';

const terminal = { merchantId: '1234567', terminalId: 'A01', postalCode: '12190' };

describe('QRIS bodies (doku-channels.md section 4)', () => {
  it("generate: the production client's body, field for field and in its order", () => {
    expect(
      compactJson(
        buildQrisGenerateBody({
          partnerReferenceNo: 'ORDER-1',
          amount: { value: '15000.00', currency: 'IDR' },
          terminal,
        }),
      ),
    ).toBe(
      '{"partnerReferenceNo":"ORDER-1","amount":{"value":"15000.00","currency":"IDR"},"merchantId":"1234567","terminalId":"A01","additionalInfo":{"postalCode":"12190","feeType":"1"}}',
    );
    const withValidity = buildQrisGenerateBody({
      partnerReferenceNo: 'ORDER-1',
      amount: { value: '15000.00', currency: 'IDR' },
      terminal,
      validityPeriod: '2030-01-01T10:00:00+07:00',
    });
    expect(Object.keys(withValidity)).toEqual([
      'partnerReferenceNo',
      'amount',
      'merchantId',
      'terminalId',
      'validityPeriod',
      'additionalInfo',
    ]);
  });

  it('query, cancel and refund name the QR by both references and the merchant', () => {
    const ref = { originalPartnerReferenceNo: 'ORDER-1', originalReferenceNo: 'R1', terminal };
    expect(buildQrisQueryBody(ref)).toEqual({
      originalReferenceNo: 'R1',
      originalPartnerReferenceNo: 'ORDER-1',
      serviceCode: '47',
      merchantId: '1234567',
    });
    expect(buildQrisCancelBody(ref)).toMatchObject({
      merchantId: '1234567',
      reason: expect.any(String),
    });
    expect(
      buildQrisRefundBody({
        ...ref,
        partnerRefundNo: 'RF-1',
        refundAmount: { value: '5000.00', currency: 'IDR' },
        reason: 'one item',
      }),
    ).toEqual({
      originalPartnerReferenceNo: 'ORDER-1',
      originalReferenceNo: 'R1',
      partnerRefundNo: 'RF-1',
      refundAmount: { value: '5000.00', currency: 'IDR' },
      reason: 'one item',
      merchantId: '1234567',
    });
  });

  it.each([
    ['merchantId', { ...terminal, merchantId: '' }],
    ['terminalId', { ...terminal, terminalId: 'T'.repeat(17) }],
    ['additionalInfo.postalCode', { ...terminal, postalCode: '' }],
  ])('refuses a generate without a usable %s', (field, t) => {
    let refused: unknown;
    try {
      buildQrisGenerateBody({
        partnerReferenceNo: 'ORDER-1',
        amount: { value: '15000.00', currency: 'IDR' },
        terminal: t,
      });
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(SnapValidationError);
    expect((refused as SnapValidationError).field).toBe(field);
  });
});
