import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  parseEmv,
  QRIS_CANCEL_PATH,
  QRIS_GENERATE_PATH,
  QRIS_QUERY_PATH,
  QRIS_REFUND_PATH,
  SIMULATED_QRIS_TERMINAL,
  validEmvQr,
} from '@app/doku-snap';
import { RunningSimulator, startDokuSimulator } from '@app/doku-simulator';
import { fetchToken, signedPost } from './support';

let sim: RunningSimulator;
let token: string;

beforeAll(async () => {
  sim = await startDokuSimulator();
  token = await fetchToken(sim);
});
afterAll(() => sim?.close());
beforeEach(() => sim.control.reset());

const { merchantId, terminalId, postalCode } = SIMULATED_QRIS_TERMINAL;
let seq = 0;
const generateBody = (overrides: Record<string, unknown> = {}) => ({
  partnerReferenceNo: `QR-${Date.now()}-${seq++}`,
  amount: { value: '25000.00', currency: 'IDR' },
  merchantId,
  terminalId,
  additionalInfo: { postalCode, feeType: '1' },
  ...overrides,
});
const call = (path: string, body: object) =>
  signedPost(sim, { path, token, deviceId: null, body: JSON.stringify(body) });

describe('simulated DOKU: QRIS', () => {
  it('generates a dynamic QRIS string with a valid CRC, the amount and DOKU reference in it', async () => {
    const body = generateBody();
    const res = await call(QRIS_GENERATE_PATH, body);
    expect(res.body).toMatchObject({
      responseCode: '2004700',
      partnerReferenceNo: body.partnerReferenceNo,
      terminalId,
    });
    const content = res.body.qrContent as string;
    expect(validEmvQr(content)).toBe(true);
    const fields = parseEmv(content)!;
    expect(fields.get('01')).toBe('12');
    expect(fields.get('54')).toBe('25000');
    expect(fields.get('61')).toBe(postalCode);
    expect(parseEmv(fields.get('62')!)!.get('05')).toBe(res.body.referenceNo);
    expect((await call(QRIS_GENERATE_PATH, body)).body.qrContent).toBe(content);
    const other = await call(QRIS_GENERATE_PATH, {
      ...body,
      amount: { value: '1.00', currency: 'IDR' },
    });
    expect(other.body.responseCode).toBe('4094701');
  });

  it.each([
    ['another merchant', { merchantId: '999' }, '4034716'],
    ['no terminal', { terminalId: '' }, '4004702'],
    ['no postal code', { additionalInfo: {} }, '4004702'],
    ['a past validity', { validityPeriod: '2020-01-01T00:00:00+07:00' }, '4004701'],
  ])('refuses %s', async (_what, override, code) => {
    expect((await call(QRIS_GENERATE_PATH, generateBody(override))).body.responseCode).toBe(code);
  });

  it('query follows the QR: pending, paid, refunded in part; cancel closes an unpaid one only', async () => {
    const body = generateBody();
    const generated = (await call(QRIS_GENERATE_PATH, body)).body;
    const ref = {
      originalReferenceNo: generated.referenceNo,
      originalPartnerReferenceNo: body.partnerReferenceNo,
      serviceCode: '47',
      merchantId,
    };
    expect((await call(QRIS_QUERY_PATH, ref)).body.latestTransactionStatus).toBe('03');
    expect(await sim.control.payQr(body.partnerReferenceNo)).toBeNull();
    const paid = await call(QRIS_QUERY_PATH, ref);
    expect(paid.body).toMatchObject({
      responseCode: '2005100',
      latestTransactionStatus: '00',
      amount: { value: '25000.00' },
      paidTime: expect.any(String),
    });
    const cancelPaid = await call(QRIS_CANCEL_PATH, ref);
    expect(cancelPaid.body.responseCode).toBe('4037715');
    const refund = await call(QRIS_REFUND_PATH, {
      ...ref,
      serviceCode: undefined,
      partnerRefundNo: 'RF-1',
      refundAmount: { value: '5000.00', currency: 'IDR' },
    });
    expect(refund.body.responseCode).toBe('2007800');
    const over = await call(QRIS_REFUND_PATH, {
      ...ref,
      serviceCode: undefined,
      partnerRefundNo: 'RF-2',
      refundAmount: { value: '25000.00', currency: 'IDR' },
    });
    expect(over.body.responseCode).toBe('4047813');
    expect((await call(QRIS_QUERY_PATH, ref)).body.refundHistory).toHaveLength(1);
    // Each query about the QR is counted on it (what confirming it cost the merchant).
    expect(sim.control.payment(body.partnerReferenceNo)!.qrisQueries).toBe(3);

    const open = generateBody();
    const openRef = { originalPartnerReferenceNo: open.partnerReferenceNo, merchantId };
    await call(QRIS_GENERATE_PATH, open);
    expect((await call(QRIS_CANCEL_PATH, openRef)).body.responseCode).toBe('2007700');
    await expect(sim.control.payQr(open.partnerReferenceNo)).rejects.toThrow(/Cancelled/);
  });
});
