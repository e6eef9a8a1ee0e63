import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ACCOUNT_BINDING_PATH,
  B2B2C_TOKEN_PATH,
  BALANCE_INQUIRY_PATH,
  DEBIT_PAYMENT_PATH,
  DEBIT_REFUND_PATH,
} from '@app/doku-snap';
import { RunningSimulator, startDokuSimulator } from '@app/doku-simulator';
import { fetchToken, paymentBody, post, signedPost, tokenHeaders } from './support';

let sim: RunningSimulator;
let token: string;

beforeAll(async () => {
  sim = await startDokuSimulator();
  token = await fetchToken(sim);
});
afterAll(() => sim?.close());
beforeEach(() => sim.control.reset());

const OVO = 'EMONEY_OVO_SNAP';
let seq = 0;
const ref = () => `W-${Date.now()}-${seq++}`;

function ovoPayment(partnerReferenceNo: string, overrides: Record<string, unknown> = {}) {
  return {
    partnerReferenceNo,
    amount: { value: '50000.00', currency: 'IDR' },
    additionalInfo: {
      channel: OVO,
      successPaymentUrl: 'https://merchant.example/ok',
      failedPaymentUrl: 'https://merchant.example/fail',
      paymentType: 'SALE',
    },
    payOptionDetails: [
      {
        payMethod: 'CASH',
        transAmount: { value: '50000.00', currency: 'IDR' },
        feeAmount: { value: '0.00', currency: 'IDR' },
      },
    ],
    ...overrides,
  };
}

/** A binding confirmed on the page, and a customer token for it. */
async function boundCustomer(): Promise<{
  bindingId: string;
  customerToken: string;
  authCode: string;
}> {
  const bound = await signedPost(sim, {
    path: ACCOUNT_BINDING_PATH,
    token,
    deviceId: null,
    body: JSON.stringify({
      phoneNo: `62812${String(seq++).padStart(8, '0')}`,
      additionalInfo: {
        channel: OVO,
        custIdMerchant: 'CUST-1',
        successRegistrationUrl: 'https://merchant.example/linked?x=1',
        failedRegistrationUrl: 'https://merchant.example/not-linked',
      },
    }),
  });
  expect(bound.body.responseCode).toBe('2000700');
  const bindingId = bound.body.referenceNo as string;
  const location = new URL(sim.control.completeBinding(bindingId, true));
  expect(location.origin + location.pathname).toBe('https://merchant.example/linked');
  expect(location.searchParams.get('x')).toBe('1');
  const authCode = location.searchParams.get('authCode')!;
  const issued = await post(
    sim.url + B2B2C_TOKEN_PATH,
    tokenHeaders(sim.credentials),
    JSON.stringify({ grantType: 'authorization_code', authCode, additionalInfo: {} }),
  );
  expect(issued.body.responseCode).toBe('2007400');
  return { bindingId, customerToken: issued.body.accessToken as string, authCode };
}

const withCustomer = (customerToken: string) => ({
  'Authorization-Customer': `Bearer ${customerToken}`,
});

describe('the simulator holds each wallet to its own rules', () => {
  it('ShopeePay: a jump-app payment with the device, refused without it', async () => {
    const body = paymentBody(ref(), { additionalInfo: { channel: 'EMONEY_SHOPEE_PAY_SNAP' } });
    const without = await signedPost(sim, {
      path: DEBIT_PAYMENT_PATH,
      token,
      deviceId: null,
      body: JSON.stringify(body),
    });
    expect(without.body.responseCode).toBe('4005402');
    expect(without.body.responseMessage).toContain('X-DEVICE-ID');
    const paid = await signedPost(sim, {
      path: DEBIT_PAYMENT_PATH,
      token,
      body: JSON.stringify(body),
    });
    expect(paid.body.responseCode).toBe('2005400');
    expect(sim.control.payment(body.partnerReferenceNo as string)!.channel).toBe(
      'EMONEY_SHOPEE_PAY_SNAP',
    );
  });

  it('OVO: no Authorization-Customer is 4005402; a token it never issued 4015404', async () => {
    const body = JSON.stringify(ovoPayment(ref()));
    const missing = await signedPost(sim, {
      path: DEBIT_PAYMENT_PATH,
      token,
      deviceId: null,
      body,
    });
    expect(missing.body).toMatchObject({
      responseCode: '4005402',
      responseMessage: 'Invalid Mandatory Field Authorization-Customer',
    });
    const unknown = await signedPost(sim, {
      path: DEBIT_PAYMENT_PATH,
      token,
      deviceId: null,
      body,
      headers: withCustomer('never-issued'),
    });
    expect(unknown.body.responseCode).toBe('4015404');
  });

  it("OVO: the jump-app body, or payOptionDetails that do not add up, are DOKU's format errors", async () => {
    const { customerToken } = await boundCustomer();
    const send = (b: object) =>
      signedPost(sim, {
        path: DEBIT_PAYMENT_PATH,
        token,
        deviceId: null,
        body: JSON.stringify(b),
        headers: withCustomer(customerToken),
      });
    const jumpApp = await send(paymentBody(ref(), { additionalInfo: { channel: OVO } }));
    expect(jumpApp.body).toMatchObject({
      responseCode: '4005402',
      responseMessage: 'Invalid Mandatory Field additionalInfo.successPaymentUrl',
    });
    const short = await send(
      ovoPayment(ref(), {
        payOptionDetails: [
          {
            payMethod: 'CASH',
            transAmount: { value: '1.00', currency: 'IDR' },
            feeAmount: { value: '0.00', currency: 'IDR' },
          },
        ],
      }),
    );
    expect(short.body.responseCode).toBe('4005401');
    const ok = await send(ovoPayment(ref()));
    expect(ok.body.responseCode).toBe('2005400');
  });

  it('OVO: balance, refund with the token, unlink -> 4017400 on renewal, 4015404 on use', async () => {
    const { bindingId, customerToken, authCode } = await boundCustomer();
    const partnerReferenceNo = ref();
    const paid = await signedPost(sim, {
      path: DEBIT_PAYMENT_PATH,
      token,
      deviceId: null,
      body: JSON.stringify(ovoPayment(partnerReferenceNo)),
      headers: withCustomer(customerToken),
    });
    expect(paid.body.responseCode).toBe('2005400');
    await sim.control.completePayment(partnerReferenceNo, '00');
    const refundBody = JSON.stringify({
      originalPartnerReferenceNo: partnerReferenceNo,
      partnerRefundNo: `R-${partnerReferenceNo}`,
      refundAmount: { value: '20000.00', currency: 'IDR' },
      additionalInfo: { channel: OVO },
    });
    const noToken = await signedPost(sim, {
      path: DEBIT_REFUND_PATH,
      token,
      deviceId: null,
      body: refundBody,
    });
    expect(noToken.body.responseCode).toBe('4005802');
    const refunded = await signedPost(sim, {
      path: DEBIT_REFUND_PATH,
      token,
      deviceId: null,
      body: refundBody,
      headers: withCustomer(customerToken),
    });
    expect(refunded.body.responseCode).toBe('2005800');
    const balance = await signedPost(sim, {
      path: BALANCE_INQUIRY_PATH,
      token,
      deviceId: null,
      body: JSON.stringify({ additionalInfo: { channel: OVO } }),
      headers: withCustomer(customerToken),
    });
    expect(balance.body.accountInfos[0].amount).toEqual({
      value: '9970000.00',
      currency: 'IDR',
    });

    sim.control.unlinkBinding(bindingId);
    const used = await signedPost(sim, {
      path: BALANCE_INQUIRY_PATH,
      token,
      deviceId: null,
      body: JSON.stringify({ additionalInfo: { channel: OVO } }),
      headers: withCustomer(customerToken),
    });
    expect(used.body.responseCode).toBe('4011104');
    const renewal = await post(
      sim.url + B2B2C_TOKEN_PATH,
      tokenHeaders(sim.credentials),
      JSON.stringify({ grantType: 'authorization_code', authCode, additionalInfo: {} }),
    );
    expect(renewal.body.responseCode).toBe('4017400');
  });

  it('a binding is refused for a wallet that takes none, and its token request must be signed', async () => {
    const dana = await signedPost(sim, {
      path: ACCOUNT_BINDING_PATH,
      token,
      deviceId: null,
      body: JSON.stringify({
        phoneNo: '6281234567890',
        additionalInfo: {
          channel: 'EMONEY_DANA_SNAP',
          custIdMerchant: 'C',
          successRegistrationUrl: 'https://m.example/a',
          failedRegistrationUrl: 'https://m.example/b',
        },
      }),
    });
    expect(dana.body.responseCode).toBe('4000701');
    const unsigned = await post(
      sim.url + B2B2C_TOKEN_PATH,
      { 'Content-Type': 'application/json' },
      JSON.stringify({ grantType: 'authorization_code', authCode: 'x' }),
    );
    expect(unsigned.body.responseCode).toBe('4007402');
  });
});
