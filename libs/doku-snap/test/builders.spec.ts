import { describe, expect, it } from 'vitest';
import { SnapValidationError } from '../src/errors';
import type { CustomerContext } from '../src/channels/channel-spec';
import { deviceHeaders } from '../src/channels/customer-headers';
import { RefundInput } from '../src/operations/debit-refund';
import { redirectUrlOf } from '../src/operations/jump-app-payment';
import {
  buildCheckStatusBody,
  buildDanaPaymentBody,
  buildRefundBody,
  DanaPaymentInput,
} from './support/dana';
import { compactJson } from '../src/signing/json';
import { vector } from './vectors';

const payment: DanaPaymentInput = {
  partnerReferenceNo: 'INV-TEST-0001',
  amount: { value: '15000.00', currency: 'IDR' },
  returnUrl: 'https://merchant.example/pay/return?order=INV-TEST-0001&src=dana',
  validUpTo: '2024-05-17T15:12:50+07:00',
  pointOfInitiation: 'app',
  orderTitle: 'Order INV-TEST-0001',
  deepLink: true,
};

const refund: RefundInput = {
  originalPartnerReferenceNo: 'INV-TEST-0001',
  originalExternalId: '171593117000001',
  partnerRefundNo: 'RFD-TEST-0001',
  refundAmount: { value: '5000.00', currency: 'IDR' },
  reason: 'Customer cancelled one item',
};

/** Runs `build` and returns the field the SnapValidationError names (or fails the test). */
function rejectedField(build: () => unknown): string {
  try {
    build();
  } catch (err) {
    expect(err).toBeInstanceOf(SnapValidationError);
    return (err as SnapValidationError).field;
  }
  throw new Error('expected a SnapValidationError');
}

describe('request bodies match the vectors byte for byte', () => {
  it('V2: DANA payment (web return URL, checkout jumps into the app)', () => {
    expect(compactJson(buildDanaPaymentBody(payment))).toBe(vector('V2').minified_body);
  });

  it('V3: refund', () => {
    expect(compactJson(buildRefundBody(refund))).toBe(vector('V3').minified_body);
  });

  it('V4: check status, serviceCode "55"', () => {
    const body = buildCheckStatusBody({
      originalPartnerReferenceNo: 'INV-TEST-0001',
      originalExternalId: '171593117000001',
    });
    expect(compactJson(body)).toBe(vector('V4').minified_body);
  });

  it('keeps the documented field order whatever order the input has', () => {
    const shuffled = Object.fromEntries(Object.entries(payment).reverse()) as DanaPaymentInput;
    expect(compactJson(buildDanaPaymentBody(shuffled))).toBe(vector('V2').minified_body);
  });

  it('deep-link flags are independent; optional fields stay out when absent', () => {
    const minimal = buildDanaPaymentBody({
      partnerReferenceNo: 'A',
      amount: { value: '1.00', currency: 'IDR' },
      returnUrl: 'https://m.example/r',
      returnUrlIsDeepLink: true,
    });
    expect(compactJson(minimal)).toBe(
      '{"partnerReferenceNo":"A","amount":{"value":"1.00","currency":"IDR"},' +
        '"urlParam":[{"url":"https://m.example/r","type":"PAY_RETURN","isDeepLink":"Y"}],' +
        '"additionalInfo":{"channel":"EMONEY_DANA_SNAP"}}',
    );
    const web = buildDanaPaymentBody({ ...payment, deepLink: false });
    expect(web.urlParam[0].isDeepLink).toBe('N');
    expect(web.additionalInfo.supportDeepLinkCheckoutUrl).toBe(false);
  });

  it('drops keys the input carries but SNAP does not know', () => {
    const body = buildRefundBody({ ...refund, extra: 'x' } as RefundInput);
    expect(compactJson(body)).toBe(vector('V3').minified_body);
  });

  it('reads the redirect URL from either place DOKU has put it', () => {
    expect(
      redirectUrlOf({ responseCode: '2005400', responseMessage: '', webRedirectUrl: 'a' }),
    ).toBe('a');
    expect(
      redirectUrlOf({
        responseCode: '2005400',
        responseMessage: '',
        additionalInfo: { webRedirectUrl: 'b' },
      }),
    ).toBe('b');
    expect(redirectUrlOf(undefined)).toBeUndefined();
  });
});

describe('request builders reject bad fields, naming the field', () => {
  const paymentCases: [string, Partial<Record<keyof DanaPaymentInput, unknown>>, string][] = [
    ['amount without decimals', { amount: { value: '15000', currency: 'IDR' } }, 'amount.value'],
    ['amount with one decimal', { amount: { value: '15000.0', currency: 'IDR' } }, 'amount.value'],
    ['amount as a number', { amount: { value: 15000, currency: 'IDR' } }, 'amount.value'],
    ['amount with a sign', { amount: { value: '-1.00', currency: 'IDR' } }, 'amount.value'],
    [
      'amount of 17 digits',
      { amount: { value: '1'.repeat(17) + '.00', currency: 'IDR' } },
      'amount.value',
    ],
    ['amount missing', { amount: undefined }, 'amount'],
    ['lower-case currency', { amount: { value: '1.00', currency: 'idr' } }, 'amount.currency'],
    [
      'partnerReferenceNo of 65 chars',
      { partnerReferenceNo: 'x'.repeat(65) },
      'partnerReferenceNo',
    ],
    ['empty partnerReferenceNo', { partnerReferenceNo: '' }, 'partnerReferenceNo'],
    ['partnerReferenceNo as a number', { partnerReferenceNo: 123 }, 'partnerReferenceNo'],
    ['return URL that is not a URL', { returnUrl: 'merchant.example/return' }, 'urlParam.url'],
    ['ftp return URL', { returnUrl: 'ftp://merchant.example/return' }, 'urlParam.url'],
    ['javascript return URL', { returnUrl: 'javascript:alert(1)' }, 'urlParam.url'],
    ['return URL over 255', { returnUrl: `https://m.example/${'a'.repeat(240)}` }, 'urlParam.url'],
    ['validUpTo without offset', { validUpTo: '2024-05-17T15:12:50' }, 'validUpTo'],
    ['validUpTo not a day', { validUpTo: '2024-02-31T15:12:50+07:00' }, 'validUpTo'],
    ['pointOfInitiation unknown', { pointOfInitiation: 'kiosk' }, 'pointOfInitiation'],
    ['orderTitle over 255', { orderTitle: 'x'.repeat(256) }, 'additionalInfo.orderTitle'],
  ];
  it.each(paymentCases)('payment: %s', (_why, change, field) => {
    expect(
      rejectedField(() => buildDanaPaymentBody({ ...payment, ...change } as DanaPaymentInput)),
    ).toBe(field);
  });

  const refundCases: [string, Partial<Record<keyof RefundInput, unknown>>, string][] = [
    [
      'refund amount as a number',
      { refundAmount: { value: 5000, currency: 'IDR' } },
      'refundAmount.value',
    ],
    ['partnerRefundNo of 65 chars', { partnerRefundNo: 'r'.repeat(65) }, 'partnerRefundNo'],
    [
      'originalExternalId of 37 chars',
      { originalExternalId: '1'.repeat(37) },
      'originalExternalId',
    ],
    ['reason over 255', { reason: 'x'.repeat(256) }, 'reason'],
    [
      'missing originalPartnerReferenceNo',
      { originalPartnerReferenceNo: undefined },
      'originalPartnerReferenceNo',
    ],
  ];
  it.each(refundCases)('refund: %s', (_why, change, field) => {
    expect(rejectedField(() => buildRefundBody({ ...refund, ...change } as RefundInput))).toBe(
      field,
    );
  });

  it('check status: originalPartnerReferenceNo is required', () => {
    expect(rejectedField(() => buildCheckStatusBody({} as never))).toBe(
      'originalPartnerReferenceNo',
    );
  });

  const headerCases: [string, unknown, unknown, string][] = [
    ['device id with symbols', 'dev-01', undefined, 'X-DEVICE-ID'],
    ['device id with a space', 'dev 01', undefined, 'X-DEVICE-ID'],
    ['device id of 65 chars', 'd'.repeat(65), undefined, 'X-DEVICE-ID'],
    ['empty device id', '', undefined, 'X-DEVICE-ID'],
    ['IPv4 out of range', 'device01', '300.1.1.1', 'X-IP-ADDRESS'],
    ['IPv4 with three parts', 'device01', '10.0.1', 'X-IP-ADDRESS'],
    ['IPv6', 'device01', '::1', 'X-IP-ADDRESS'],
  ];
  it.each(headerCases)('headers: %s', (_why, deviceId, ip, field) => {
    expect(rejectedField(() => deviceHeaders({ deviceId, ipAddress: ip } as CustomerContext))).toBe(
      field,
    );
  });

  it('accepts 64 letters and digits, and a short IPv4 the SDKs would refuse (P12)', () => {
    expect(deviceHeaders({ deviceId: 'a'.repeat(64), ipAddress: '1.2.3.4' })).toEqual({
      'X-DEVICE-ID': 'a'.repeat(64),
      'X-IP-ADDRESS': '1.2.3.4',
    });
    expect(deviceHeaders({ deviceId: 'abc123' })).toEqual({ 'X-DEVICE-ID': 'abc123' });
  });

  it('the error message names the field and says what is wrong', () => {
    expect(() =>
      buildDanaPaymentBody({ ...payment, amount: { value: '15000', currency: 'IDR' } }),
    ).toThrow(/^amount\.value: must be digits with two decimals/);
  });
});
