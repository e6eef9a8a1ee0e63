import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  B2B_TOKEN_PATH,
  DEBIT_STATUS_PATH,
  DEBIT_PAYMENT_PATH,
  DEBIT_REFUND_PATH,
  snapTimestamp,
} from '@app/doku-snap';
import { startDokuSimulator, type RunningSimulator } from '@app/doku-simulator';
import { fetchToken, newExternalId, paymentBody, post, signedPost, tokenHeaders } from './support';

describe('DOKU simulator: body validation', () => {
  let sim: RunningSimulator;
  let token: string;
  const pay = (body: unknown) =>
    signedPost(sim, {
      path: DEBIT_PAYMENT_PATH,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      token,
    });

  beforeAll(async () => {
    sim = await startDokuSimulator();
    token = await fetchToken(sim);
  });
  afterAll(() => sim.close());

  it('rejects a body that is not JSON: 400xx00', async () => {
    const res = await pay('{"partnerReferenceNo":');
    expect(res.status).toBe(400);
    expect(res.body.responseCode).toBe('4005400');
  });

  it.each([
    ['a number', 15000],
    ['no decimals', '15000'],
    ['one decimal', '15000.0'],
    ['a comma', '15000,00'],
    ['17 integer digits', '12345678901234567.00'],
  ])('rejects an amount value given as %s: 400xx01 naming amount.value', async (_label, value) => {
    const res = await pay(paymentBody('AMT-1', { amount: { value, currency: 'IDR' } }));
    expect(res.body.responseCode).toBe('4005401');
    expect(res.body.responseMessage).toBe('Invalid Field Format amount.value');
  });

  it('rejects a currency that is not 3 letters (400xx01) and a missing amount (400xx02)', async () => {
    const currency = await pay(paymentBody('AMT-2', { amount: { value: '1.00', currency: 'RP' } }));
    expect(currency.body.responseMessage).toBe('Invalid Field Format amount.currency');
    const missing = await pay(paymentBody('AMT-3', { amount: undefined }));
    expect(missing.body.responseCode).toBe('4005402');
    expect(missing.body.responseMessage).toBe('Invalid Mandatory Field amount');
  });

  it('rejects urlParam as an object instead of an array: 400xx01', async () => {
    const res = await pay(
      paymentBody('URL-1', {
        urlParam: { url: 'https://m.example/r', type: 'PAY_RETURN', isDeepLink: 'N' },
      }),
    );
    expect(res.body.responseCode).toBe('4005401');
    expect(res.body.responseMessage).toBe('Invalid Field Format urlParam');
  });

  it.each([
    ['a relative url', { url: '/return', type: 'PAY_RETURN', isDeepLink: 'N' }, 'urlParam[0].url'],
    [
      'a url over 255 chars',
      { url: `https://m.example/${'a'.repeat(250)}`, type: 'PAY_RETURN', isDeepLink: 'N' },
      'urlParam[0].url',
    ],
    [
      'another type',
      { url: 'https://m.example/r', type: 'NOTIFICATION', isDeepLink: 'N' },
      'urlParam[0].type',
    ],
    [
      'isDeepLink yes',
      { url: 'https://m.example/r', type: 'PAY_RETURN', isDeepLink: 'yes' },
      'urlParam[0].isDeepLink',
    ],
  ])('rejects urlParam with %s: 400xx01', async (_label, entry, field) => {
    const res = await pay(paymentBody('URL-2', { urlParam: [entry] }));
    expect(res.body.responseCode).toBe('4005401');
    expect(res.body.responseMessage).toBe(`Invalid Field Format ${field}`);
  });

  it('requires additionalInfo.channel of a wallet it offers', async () => {
    const missing = await pay(paymentBody('CH-1', { additionalInfo: {} }));
    expect(missing.body.responseCode).toBe('4005402');
    expect(missing.body.responseMessage).toBe('Invalid Mandatory Field additionalInfo.channel');
    const other = await pay(
      paymentBody('CH-2', { additionalInfo: { channel: 'EMONEY_FAKE_SNAP' } }),
    );
    expect(other.body.responseCode).toBe('4005401');
    expect(other.body.responseMessage).toBe('Invalid Field Format additionalInfo.channel');
    // OVO's payment is a bound account's: without the customer token it is refused first.
    const ovo = await pay(paymentBody('CH-3', { additionalInfo: { channel: 'EMONEY_OVO_SNAP' } }));
    expect(ovo.body.responseCode).toBe('4005402');
    expect(ovo.body.responseMessage).toBe('Invalid Mandatory Field Authorization-Customer');
  });

  it('checks partnerReferenceNo: missing 400xx02, over 64 chars 400xx01', async () => {
    expect((await pay(paymentBody('', {}))).body.responseCode).toBe('4005402');
    expect((await pay(paymentBody('R'.repeat(65)))).body.responseCode).toBe('4005401');
    expect((await pay(paymentBody('R'.repeat(64)))).body.responseCode).toBe('2005400');
  });

  it('checks validUpTo and pointOfInitiation when present', async () => {
    expect((await pay(paymentBody('OPT-1', { validUpTo: 'tomorrow' }))).body.responseCode).toBe(
      '4005401',
    );
    expect(
      (await pay(paymentBody('OPT-2', { pointOfInitiation: 'kiosk' }))).body.responseCode,
    ).toBe('4005401');
    const ok = await pay(
      paymentBody('OPT-3', {
        validUpTo: snapTimestamp(Date.now() + 3_600_000),
        pointOfInitiation: 'app',
      }),
    );
    expect(ok.body.responseCode).toBe('2005400');
  });

  it('requires serviceCode "55" on check status', async () => {
    const body = (serviceCode: unknown) =>
      JSON.stringify({
        originalPartnerReferenceNo: 'X-1',
        serviceCode,
        additionalInfo: { channel: 'EMONEY_DANA_SNAP' },
      });
    const wrong = await signedPost(sim, { path: DEBIT_STATUS_PATH, body: body('54'), token });
    expect(wrong.body.responseCode).toBe('4005501');
    expect(wrong.body.responseMessage).toBe('Invalid Field Format serviceCode');
    const missing = await signedPost(sim, {
      path: DEBIT_STATUS_PATH,
      body: body(undefined),
      token,
    });
    expect(missing.body.responseCode).toBe('4005502');
    const number = await signedPost(sim, { path: DEBIT_STATUS_PATH, body: body(55), token });
    expect(number.body.responseCode).toBe('4005501');
  });

  it('checks refund fields: partnerRefundNo mandatory, reason at most 256 chars', async () => {
    const base = {
      originalPartnerReferenceNo: 'X-1',
      partnerRefundNo: 'RF-1',
      refundAmount: { value: '1.00', currency: 'IDR' },
      additionalInfo: { channel: 'EMONEY_DANA_SNAP' },
    };
    const noRefundNo = await signedPost(sim, {
      path: DEBIT_REFUND_PATH,
      body: JSON.stringify({ ...base, partnerRefundNo: undefined }),
      token,
    });
    expect(noRefundNo.body.responseCode).toBe('4005802');
    const longReason = await signedPost(sim, {
      path: DEBIT_REFUND_PATH,
      body: JSON.stringify({ ...base, reason: 'r'.repeat(257) }),
      token,
    });
    expect(longReason.body.responseCode).toBe('4005801');
    const badAmount = await signedPost(sim, {
      path: DEBIT_REFUND_PATH,
      body: JSON.stringify({ ...base, refundAmount: { value: '1', currency: 'IDR' } }),
      token,
    });
    expect(badAmount.body.responseMessage).toBe('Invalid Field Format refundAmount.value');
  });
});

describe('DOKU simulator: X-EXTERNAL-ID per Jakarta day', () => {
  let sim: RunningSimulator;
  let token: string;
  let clock = Date.now();

  beforeAll(async () => {
    sim = await startDokuSimulator({ now: () => clock });
    token = await fetchToken(sim);
  });
  afterAll(() => sim.close());

  it('answers a reuse with another body 409xx00, and a same-bytes resend 409 with the original body', async () => {
    const externalId = newExternalId();
    const body = JSON.stringify(paymentBody('IDEM-1'));
    const first = await signedPost(sim, {
      path: DEBIT_PAYMENT_PATH,
      body,
      token,
      externalId,
      timestamp: snapTimestamp(clock),
    });
    expect(first.status).toBe(200);
    expect(first.body.responseCode).toBe('2005400');

    const replay = await signedPost(sim, {
      path: DEBIT_PAYMENT_PATH,
      body,
      token,
      externalId,
      timestamp: snapTimestamp(clock),
    });
    expect(replay.status).toBe(409);
    expect(replay.text).toBe(first.text);

    const other = JSON.stringify(paymentBody('IDEM-2'));
    const conflict = await signedPost(sim, {
      path: DEBIT_PAYMENT_PATH,
      body: other,
      token,
      externalId,
      timestamp: snapTimestamp(clock),
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body.responseCode).toBe('4095400');
    expect(sim.control.payment('IDEM-2')).toBeUndefined();

    expect(sim.control.counters().paymentsCreated).toBe(1);
    expect(sim.control.counters().replays).toBe(1);
    expect(sim.control.log().filter((e) => e.replay)).toHaveLength(1);
  });

  it('replays rejections too: the id is spent by any authenticated call', async () => {
    const externalId = newExternalId();
    const body = JSON.stringify(paymentBody('IDEM-3', { amount: { value: '1', currency: 'IDR' } }));
    const first = await signedPost(sim, {
      path: DEBIT_PAYMENT_PATH,
      body,
      token,
      externalId,
      timestamp: snapTimestamp(clock),
    });
    expect(first.body.responseCode).toBe('4005401');
    const again = await signedPost(sim, {
      path: DEBIT_PAYMENT_PATH,
      body,
      token,
      externalId,
      timestamp: snapTimestamp(clock),
    });
    expect(again.status).toBe(409);
    expect(again.body.responseCode).toBe('4005401');
  });

  it('counts reuse on another endpoint as a conflict', async () => {
    const externalId = newExternalId();
    const status = JSON.stringify({ originalPartnerReferenceNo: 'IDEM-1', serviceCode: '55' });
    const first = await signedPost(sim, {
      path: DEBIT_STATUS_PATH,
      body: status,
      token,
      externalId,
      timestamp: snapTimestamp(clock),
    });
    expect(first.body.responseCode).toBe('2005500');
    const refund = await signedPost(sim, {
      path: DEBIT_REFUND_PATH,
      body: status,
      token,
      externalId,
      timestamp: snapTimestamp(clock),
    });
    expect(refund.body.responseCode).toBe('4095800');
  });

  it('lets an id be used again on the next Jakarta day', async () => {
    const externalId = newExternalId();
    const status = (ref: string) =>
      JSON.stringify({ originalPartnerReferenceNo: ref, serviceCode: '55' });
    const first = await signedPost(sim, {
      path: DEBIT_STATUS_PATH,
      body: status('DAY-1'),
      token,
      externalId,
      timestamp: snapTimestamp(clock),
    });
    expect(first.body.responseCode).toBe('4045501');
    const sameDay = await signedPost(sim, {
      path: DEBIT_STATUS_PATH,
      body: status('DAY-2'),
      token,
      externalId,
      timestamp: snapTimestamp(clock),
    });
    expect(sameDay.body.responseCode).toBe('4095500');

    clock += 24 * 3_600_000;
    const fresh = await post(
      sim.url + B2B_TOKEN_PATH,
      tokenHeaders(sim.credentials, { timestamp: snapTimestamp(clock) }),
      '{"grantType":"client_credentials"}',
    );
    const nextDay = await signedPost(sim, {
      path: DEBIT_STATUS_PATH,
      body: status('DAY-2'),
      token: fresh.body.accessToken,
      externalId,
      timestamp: snapTimestamp(clock),
    });
    expect(nextDay.body.responseCode).toBe('4045501');
  });
});
